import { z } from "zod";
import type { Role } from "../domain/auth/roles";

/**
 * Each router describes its routes with the same zod schemas its validators use; this turns
 * those descriptions into the OpenAPI 3.1 document at /openapi.json, so docs cannot drift
 * from what the API actually accepts.
 */
export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI style: /api/keys/{id} */
  path: string;
  summary: string;
  tag: string;
  auth: "public" | "user" | "user_or_api_key" | "api_key";
  minRole?: Role;
  apiKeyScopes?: string[];
  body?: z.ZodType;
  /**
   * A request body that is not JSON, read by the handler itself (a form, protobuf): documented by
   * its media type and a description, never validated by a middleware. Beside `body`, the route
   * takes either (OTLP: JSON or protobuf). `{ contentType: "application/x-protobuf", description }`
   */
  rawBody?: { contentType: string; description: string };
  query?: z.ZodType;
  params?: z.ZodType;
  success: { status: number; description: string; schema?: z.ZodType };
  errors?: number[];
  /** request headers the route reads besides authentication */
  headers?: { name: string; description: string; schema: Record<string, unknown> }[];
}

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional(),
    request_id: z.string().nullable(),
  }),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request (e.g. invalid JSON)",
  401: "Not authenticated, or the token or key is invalid or expired",
  402: "A limit of the plan in force is reached (details names it: limits.<name>); upgrade to go on",
  403: "Authenticated but not allowed",
  404: "Not found (or not in your organisation)",
  409: "Conflicts with the current state",
  410: "Gone: expired, or used up",
  413: "Body too large",
  415: "Body is not application/json",
  422: "Validation failed; details lists each problem",
  429: "Rate limited; see Retry-After",
};

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });
}

function parametersOf(schema: z.ZodType | undefined, location: "query" | "path") {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function security(doc: RouteDoc) {
  if (doc.auth === "public") return [];
  const user = [{ bearerAuth: [] }, { cookieAuth: [] }];
  if (doc.auth === "api_key") return [{ bearerAuth: [] }, { apiKeyHeader: [] }];
  return doc.auth === "user_or_api_key" ? [...user, { apiKeyHeader: [] }] : user;
}

export function buildOpenApiDocument(routes: RouteDoc[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of routes) {
    const errors = doc.errors ?? (doc.auth === "public" ? [400, 422] : [400, 401, 403, 422]);
    const responses: Record<string, unknown> = {
      [doc.success.status]: {
        description: doc.success.description,
        ...(doc.success.schema
          ? { content: { "application/json": { schema: jsonSchema(doc.success.schema, "output") } } }
          : {}),
      },
    };
    for (const status of errors) {
      responses[status] = {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    const notes = [
      doc.minRole ? `Requires the ${doc.minRole} role or higher.` : "",
      doc.apiKeyScopes ? `API keys need one of the scopes: ${doc.apiKeyScopes.join(", ")}.` : "",
    ].filter(Boolean);
    paths[doc.path] ??= {};
    paths[doc.path]![doc.method] = {
      summary: doc.summary,
      ...(notes.length ? { description: notes.join(" ") } : {}),
      tags: [doc.tag],
      security: security(doc),
      parameters: [
        ...parametersOf(doc.params, "path"),
        ...parametersOf(doc.query, "query"),
        ...(doc.headers ?? []).map((h) => ({ ...h, in: "header", required: false })),
      ],
      ...(doc.body || doc.rawBody
        ? {
            requestBody: {
              required: true,
              ...(doc.rawBody ? { description: doc.rawBody.description } : {}),
              content: {
                ...(doc.body ? { "application/json": { schema: jsonSchema(doc.body, "input") } } : {}),
                ...(doc.rawBody ? { [doc.rawBody.contentType]: {} } : {}),
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Deployr API",
      version: "0.1.0",
      description:
        "AI DevOps autopilot: accounts, teams, API keys, ingest, incidents and remediation. " +
        "Errors always answer { error: { code, message, details?, request_id } }.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, "output") },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT or dpl_ API key" },
        cookieAuth: { type: "apiKey", in: "cookie", name: "deployr_at" },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
  };
}
