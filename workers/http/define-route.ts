import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { z } from "zod";
import { requireRole } from "./middleware/authenticate";
import type { RouteDoc } from "./openapi";
import type { AppEnv } from "./types";
import { jsonBody, pathParams, queryParams } from "./validation";

type Schema = z.ZodType | undefined;
type Part<S extends Schema, K extends string, IO extends "in" | "out"> = S extends z.ZodType
  ? { [key in K]: IO extends "in" ? z.input<S> : z.output<S> }
  : Record<never, never>;

/** What the handler's `c.req.valid(...)` gives back: the validated body, query and path. */
export type Validated<B extends Schema, Q extends Schema, P extends Schema> = {
  in: Part<B, "json", "in"> & Part<Q, "query", "in"> & Part<P, "param", "in">;
  out: Part<B, "json", "out"> & Part<Q, "query", "out"> & Part<P, "param", "out">;
};

export type RouteSpec<B extends Schema, Q extends Schema, P extends Schema> = Omit<
  RouteDoc,
  "path" | "body" | "query" | "params"
> & {
  /** Hono style, relative to the router's prefix: "/:id" */
  path: string;
  body?: B;
  query?: Q;
  params?: P;
  /**
   * The JSON body as documented, for a handler that reads and checks the body itself (ingest:
   * items are checked one by one, refused ones listed): no validator is installed for it, and
   * `c.req.valid("json")` is not typed. For a body that is not JSON, see `rawBody`.
   */
  documentedBody?: z.ZodType;
  /**
   * This route's own authentication, run first (before the role check): for routers mounted
   * beside others (at /api), where `app.use("*", authenticate())` would answer 401 for their paths.
   */
  authenticate?: MiddlewareHandler<AppEnv>;
  /** run before the validators, after the role check `minRole` implies */
  use?: MiddlewareHandler<AppEnv>[];
};

/**
 * A router whose every route is declared once: `route()` registers the handler behind the role
 * check its `minRole` states and the validators of its schemas, and writes its OpenAPI entry
 * from the same declaration, so the document and the behaviour cannot drift.
 * Mount it with `app.route(router.prefix, router.app)` and add `router.docs` to the document.
 */
export class DocumentedRouter {
  readonly app = new Hono<AppEnv>();
  readonly docs: RouteDoc[] = [];

  constructor(readonly prefix: string) {}

  route<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined>(
    spec: RouteSpec<B, Q, P>,
    handler: (c: Context<AppEnv, string, Validated<B, Q, P>>) => Response | Promise<Response>,
  ): this {
    const { use = [], authenticate, path, body, documentedBody, query, params, ...doc } = spec;
    const validators: MiddlewareHandler<AppEnv>[] = [
      ...(params ? [pathParams(params) as unknown as MiddlewareHandler<AppEnv>] : []),
      ...(query ? [queryParams(query) as unknown as MiddlewareHandler<AppEnv>] : []),
      ...(body ? [jsonBody(body) as unknown as MiddlewareHandler<AppEnv>] : []),
    ];
    // the role the document states is the role enforced: one declaration, no drift
    const roleCheck = spec.minRole ? [requireRole(spec.minRole) as MiddlewareHandler<AppEnv>] : [];
    this.app.on(
      [spec.method.toUpperCase()],
      [path],
      ...(authenticate ? [authenticate] : []),
      ...roleCheck,
      ...use,
      ...validators,
      handler as unknown as MiddlewareHandler<AppEnv>,
    );
    const openApiPath = openApiPathOf(`${this.prefix}${path === "/" ? "" : path}`);
    this.docs.push({
      ...doc,
      path: openApiPath,
      ...(body ? { body } : {}),
      ...(documentedBody ? { body: documentedBody } : {}),
      ...(query ? { query } : {}),
      ...(params ? { params } : {}),
    });
    return this;
  }
}

/**
 * A Hono path as OpenAPI writes it: `:id` is `{id}`, and a parameter whose pattern fixes an
 * extension (`:slug{[a-z-]+\\.json}`, since Hono cannot put a literal after a parameter in one
 * segment) is `{slug}.json`.
 */
export function openApiPathOf(honoPath: string): string {
  return (
    honoPath.replace(/:(\w+)\{[^}]*\\\.(\w+)\}/g, "{$1}.$2").replace(/:(\w+)(\{[^}]*\})?/g, "{$1}") || "/"
  );
}
