import { env } from "cloudflare:workers";

/** This runtime's own provider stand-ins (test/support/stand-ins.ts); no other Vitest worker uses them. */
export const providersBase = env.TEST_PROVIDERS_BASE;
export const emailApiBase = env.TEST_EMAIL_API_BASE;
export const razorpayBase = env.TEST_RAZORPAY_BASE;

/**
 * Forgets what the stand-ins received and the state they keep (once-only failures, the
 * Kubernetes cluster), so a test file counts only its own requests. setup.ts calls it before
 * each file, after the previous file's background work has finished.
 */
export async function freshStandIns(): Promise<void> {
  for (const base of [providersBase, emailApiBase, razorpayBase]) {
    const res = await fetch(`${base}/__reset`, { method: "POST" });
    if (!res.ok) throw new Error(`stand-in at ${base} did not reset: ${res.status}`);
    await res.text();
  }
}
