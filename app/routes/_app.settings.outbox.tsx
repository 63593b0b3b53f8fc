import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";

export const meta: MetaFunction = () => [{ title: "Outbox · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  if (!hasRole(principal.role, "admin")) throw new Response("The outbox is for admins.", { status: 403 });
  const rows = await services.mailer.listForOrg(principal.orgId);
  return {
    delivering: Boolean(services.config.EMAIL_API_KEY),
    messages: rows.map((r) => ({
      id: r.id,
      to: r.toAddress,
      subject: r.subject,
      body: r.body,
      status: r.status,
      at: r.createdAt,
    })),
  };
}

export default function Outbox() {
  const { delivering, messages } = useLoaderData<typeof loader>();
  return (
    <section className="card">
      <h2>Outbox</h2>
      <p className="muted">
        {delivering
          ? "Mail is delivered through your e-mail provider; this is the record of what was sent."
          : "No e-mail provider is configured (EMAIL_API_KEY): messages stay here instead of being sent."}
      </p>
      {messages.length === 0 ? <p className="muted">Nothing sent yet.</p> : null}
      {messages.map((m) => (
        <details key={m.id} className="card">
          <summary>
            <strong>{m.subject}</strong> → {m.to} <span className="badge">{m.status}</span>{" "}
            <span className="muted">{formatTime(m.at)}</span>
          </summary>
          <pre className="block">{m.body}</pre>
        </details>
      ))}
    </section>
  );
}
