import { SELF } from "cloudflare:test";
import { expect } from "vitest";

export const BASE = "http://localhost";

/** Response bodies are inspected as loose JSON in tests; the API's own types are checked in the app. */
// biome-ignore lint/suspicious/noExplicitAny: dynamic JSON under test
type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the real Worker through SELF.fetch; JSON in, JSON out. */
export async function api<T = Json>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    rawBody?: string;
    token?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.rawBody !== undefined) body = init.rawBody;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await SELF.fetch(`${BASE}${path}`, {
    method: init.method ?? (body !== undefined ? "POST" : "GET"),
    headers,
    body,
    redirect: "manual",
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (an HTML page): keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export function uniqueEmail(label = "user"): string {
  return `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`;
}

/** A client address of the test's own (TEST-NET-3 and benchmark ranges: never routed). */
export function uniqueIp(): string {
  const [a = 0, b = 0] = crypto.getRandomValues(new Uint8Array(2));
  return `198.${18 + (a & 1)}.${b}.${1 + (a >> 1)}`;
}

export const STRONG_PASSWORD = "correct-horse-battery-42";

export interface Tenant {
  token: string;
  refreshToken: string;
  email: string;
  userId: string;
  orgId: string;
  cookies: string[];
}

/** Registers a new organisation with its owner; every test gets tenants of its own. */
export async function registerTenant(label = "owner", company = "Acme Inc"): Promise<Tenant> {
  const email = uniqueEmail(label);
  const res = await api("/api/auth/register", {
    body: { email, password: STRONG_PASSWORD, full_name: "Ada Lovelace", company },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return tenantFromSession(res, email);
}

/** The session a register, login or invitation-accept response carries. */
function tenantFromSession(res: ApiResponse, email: string): Tenant {
  return {
    token: res.body.access_token,
    refreshToken: res.body.refresh_token,
    email,
    userId: res.body.user.id,
    orgId: res.body.user.organization.id,
    cookies: res.headers.getSetCookie(),
  };
}

/** Invites someone into `owner`'s organisation with `role` and accepts; returns their session. */
export async function addMember(
  owner: Tenant,
  role: "owner" | "admin" | "member" | "viewer",
): Promise<Tenant> {
  const email = uniqueEmail(role);
  const invite = await api("/api/team/invitations", { token: owner.token, body: { email, role } });
  expect(invite.status, JSON.stringify(invite.body)).toBe(201);
  const accepted = await api("/api/auth/invitations/accept", {
    body: { token: invite.body.token, password: STRONG_PASSWORD, full_name: `Member ${role}` },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return tenantFromSession(accepted, email);
}

/** The `name=value` pairs of Set-Cookie headers, ready for a Cookie header. */
export function cookieHeader(setCookies: string[]): string {
  return setCookies
    .map((c) => c.split(";")[0] ?? "")
    .filter((pair) => !pair.endsWith("="))
    .join("; ");
}

export function expectError(res: ApiResponse, status: number, code?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as { error?: { code?: string; message?: string } };
  expect(body.error, JSON.stringify(res.body)).toBeDefined();
  expect(typeof body.error?.message).toBe("string");
  if (code) expect(body.error?.code).toBe(code);
}
