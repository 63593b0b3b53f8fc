import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { desc } from "drizzle-orm";
import { emailOutbox } from "../../workers/db/schema";
import { formatTime } from "../components/form-controls";
import { requireSessionUser } from "../lib/auth.server";
import { servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Dev mailbox · Deployr" }];

const DEV_ENVIRONMENTS = new Set(["development", "test"]);

/**
 * Local development and tests only: the latest messages in the outbox, password resets
 * included, so a developer without an e-mail provider can follow the links. A 404 anywhere
 * else (production, staging), and behind a signed-in session even where it exists.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const services = servicesFrom(context);
  if (!DEV_ENVIRONMENTS.has(services.config.ENVIRONMENT)) throw new Response("Not found", { status: 404 });
  await requireSessionUser(request, context);
  const rows = await services.db.select().from(emailOutbox).orderBy(desc(emailOutbox.createdAt)).limit(50);
  return {
    messages: rows.map((r) => ({
      id: r.id,
      to: r.toAddress,
      subject: r.subject,
      body: r.body,
      at: r.createdAt,
    })),
  };
}

export default function DevMailbox() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <main className="main" style={{ margin: "0 auto" }}>
      <h1>Dev mailbox</h1>
      <p className="muted">Local development only: what Deployr would have e-mailed.</p>
      {messages.map((m) => (
        <section key={m.id} className="card">
          <strong>{m.subject}</strong> → {m.to} <span className="muted">{formatTime(m.at)}</span>
          <pre className="block">{m.body}</pre>
        </section>
      ))}
    </main>
  );
}
