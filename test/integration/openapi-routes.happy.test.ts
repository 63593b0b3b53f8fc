import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp, openApiDocument } from "../../workers/http/app";
import { openApiPathOf } from "../../workers/http/define-route";

/** Every route the app registers, as "METHOD /path/{param}" (middleware and catch-alls left out). */
function registeredRoutes(): string[] {
  const app = createApp(async () => new Response(null, { status: 204 }));
  const routes = new Set<string>();
  for (const route of app.routes) {
    // catch-alls are left out; a `*` inside a parameter's pattern is not one
    if (route.method === "ALL" || route.path.replace(/\{[^}]*\}/g, "").includes("*")) continue;
    routes.add(`${route.method} ${openApiPathOf(route.path)}`);
  }
  return [...routes].sort();
}

function documentedRoutes(): string[] {
  const doc = openApiDocument("http://localhost");
  return Object.entries(doc.paths)
    .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe("the OpenAPI document and the app agree", () => {
  it("documents every route the app registers", () => {
    const documented = new Set(documentedRoutes());
    expect(registeredRoutes().filter((r) => !documented.has(r))).toEqual([]);
  });

  it("documents no route the app does not have", () => {
    const registered = new Set(registeredRoutes());
    expect(documentedRoutes().filter((r) => !registered.has(r))).toEqual([]);
  });

  it("renders the reference page from the document the Worker hands to the dashboard", async () => {
    const res = await SELF.fetch("http://localhost/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/api/dashboard/actions/{id}/approve");
    expect(html).toContain("/api/runbooks/runs/{runId}/cancel");
    expect(html).toContain("/status/{slug}.json");
  });
});
