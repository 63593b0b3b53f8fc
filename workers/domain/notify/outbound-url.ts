/**
 * URLs that users type in (Slack webhooks) or that arrive in requests (Slack's response_url)
 * are only called when they are https and on Slack's hosts, so Deployr cannot be turned into a
 * proxy towards internal addresses. `allowInsecure` (ALLOW_INSECURE_OUTBOUND, never in
 * production) lets local runs and tests use a local stand-in.
 */
const SLACK_HOSTS = new Set(["hooks.slack.com", "hooks.slack-gov.com"]);

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * A URL that a user configures for Deployr to call (an agent's webhook, a Kubernetes API):
 * https, no credentials in it, unless ALLOW_INSECURE_OUTBOUND for local runs and tests.
 */
export function checkOutboundUrl(raw: string, allowInsecure: boolean): UrlCheck {
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

export function checkSlackUrl(
  raw: string,
  allowInsecure: boolean,
  kind: "webhook" | "response_url",
): UrlCheck {
  const base = checkOutboundUrl(raw, allowInsecure);
  if (!base.ok || allowInsecure) return base;
  const url = new URL(base.url);
  if (!SLACK_HOSTS.has(url.hostname) || url.port !== "")
    return { ok: false, reason: "must be on hooks.slack.com" };
  const path =
    kind === "webhook" ? /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/ : /^\/actions\/[\w/-]+$/;
  if (!path.test(url.pathname)) {
    return {
      ok: false,
      reason: kind === "webhook" ? "is not a Slack incoming-webhook URL" : "is not a Slack response URL",
    };
  }
  return base;
}

/** What may be shown of a webhook URL: enough to recognise it, not enough to use it. */
export function maskWebhookUrl(url: string): string {
  try {
    const u = new URL(url);
    const parts = u.pathname.split("/").filter(Boolean);
    const last = parts.at(-1) ?? "";
    return `${u.protocol}//${u.host}/${parts.slice(0, -1).join("/")}/****${last.slice(-4)}`;
  } catch {
    return "****";
  }
}
