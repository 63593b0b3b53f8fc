import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { useLoaderData } from "@remix-run/react";
import { desc } from "drizzle-orm";
import { emailOutbox } from "../../workers/db/schema";
import { formatTime } from "../components/form-controls";
import { servicesFrom } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Dev mailbox · Deployr" }];

/**
 * Local development only: every message in the outbox, password resets included, so a
 * developer without an e-mail provider can follow the links. Absent in production.
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const services = servicesFrom(context);
  if (services.config.ENVIRONMENT !== "development") throw new Response("Not found", { status: 404 });
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
