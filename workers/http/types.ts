import type { Env } from "../env";
import type { RequestMeta, Services } from "../services/container";
import type { Principal } from "../services/principal";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    meta: RequestMeta;
    principal: Principal;
    /** this request's CSP nonce for the dashboard's inline scripts (security-headers.ts) */
    secureHeadersNonce?: string;
  };
}
