import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "API reference · Deployr" }];

interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  security: unknown[];
  requestBody?: { description?: string; content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string }>;
}

/** Renders /openapi.json (the document generated from the validating zod schemas) as a reference page. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  // the Worker hands the document over: the dashboard's bundle does not carry the API
  const doc = context.openApiDocument(new URL(request.url).origin) as {
    info: { title: string; description: string };
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => ({
      id: `${method}-${path}`,
      method: method.toUpperCase(),
      path,
      summary: op.summary,
      description: op.description ?? "",
      tag: op.tags[0] ?? "Other",
      auth: op.security.length === 0 ? "public" : "authenticated",
      body: op.requestBody?.content["application/json"]
        ? JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)
        : // a body that is not JSON (a form, protobuf) is described instead
          (op.requestBody?.description ?? null),
      responses: Object.entries(op.responses).map(([status, r]) => `${status} ${r.description}`),
    })),
  );
  return { title: doc.info.title, description: doc.info.description, operations };
}

export default function Docs() {
  const { title, description, operations } = useLoaderData<typeof loader>();
  const tags = [...new Set(operations.map((o) => o.tag))];
  return (
    <main className="main" style={{ margin: "0 auto" }}>
      <div className="page-header">
        <div>
          <h1>{title}</h1>
          <p className="muted">{description}</p>
          <p>
            Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1) ·{" "}
            <Link to="/">Dashboard</Link>
          </p>
        </div>
      </div>
      {tags.map((tag) => (
        <section key={tag} className="card">
          <h2>{tag}</h2>
          {operations
            .filter((o) => o.tag === tag)
            .map((o) => (
              <details key={o.id} style={{ marginBottom: 8 }}>
                <summary>
                  <span className="badge">{o.method}</span> <code>{o.path}</code> — {o.summary}{" "}
                  {o.auth === "public" ? <span className="badge ok">public</span> : null}
                </summary>
                {o.description ? <p className="muted">{o.description}</p> : null}
                {o.body ? <pre className="block">{o.body}</pre> : null}
                <ul>
                  {o.responses.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
              </details>
            ))}
        </section>
      ))}
    </main>
  );
}
