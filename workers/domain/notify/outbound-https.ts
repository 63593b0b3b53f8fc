/**
 * A URL that a user configures for Deployr to call (an agent's webhook, a Kubernetes API):
 * https, no credentials in it, unless ALLOW_INSECURE_OUTBOUND for local runs and tests.
 */
export function checkOutboundUrl(
  raw: string,
  allowInsecure: boolean,
): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  if (url.protocol === "https:") return { ok: true, url: url.toString() };
  if (allowInsecure && url.protocol === "http:") return { ok: true, url: url.toString() };
  return { ok: false, reason: "must use https" };
}
