import type { ApiKeyScope } from "../domain/auth/api-key-format";
import type { Role } from "../domain/auth/roles";

/** Who is calling: a signed-in user (JWT or dashboard cookie) or an agent's API key. */
export type Principal =
  | { kind: "user"; userId: string; orgId: string; role: Role; sessionFamily: string }
  | { kind: "api_key"; keyId: string; orgId: string; scopes: ApiKeyScope[] };

export function actorOf(principal: Principal): { actorType: "user" | "api_key"; actorId: string } {
  return principal.kind === "user"
    ? { actorType: "user", actorId: principal.userId }
    : { actorType: "api_key", actorId: principal.keyId };
}
