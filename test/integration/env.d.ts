import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../workers/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** this runtime's provider stand-ins (Slack, Ollama, GitHub, Cloudflare API, Kubernetes, agent) */
      TEST_PROVIDERS_BASE: string;
      /** this runtime's e-mail stand-in (Resend's API) */
      TEST_EMAIL_API_BASE: string;
      /** this runtime's Razorpay stand-in (its API is RAZORPAY_API_BASE, under /v1) */
      TEST_RAZORPAY_BASE: string;
    }
  }
}
