/**
 * URLs that users type in (Slack webhooks) or that arrive in requests (Slack's response_url)
 * are only called when they are https and on Slack's hosts, so Deployr cannot be turned into a
 * proxy towards internal addresses. `allowInsecure` (ALLOW_INSECURE_OUTBOUND, never in
 * production) lets local runs and tests use a local stand-in.
 */
const SLACK_HOSTS = new Set(["hooks.slack.com", "hooks.slack-gov.com"]);

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

export function checkSlackUrl(
  raw: string,
  allowInsecure: boolean,
  kind: "webhook" | "response_url",
): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  if (allowInsecure && (url.protocol === "http:" || url.protocol === "https:"))
    return { ok: true, url: url.toString() };
  if (url.protocol !== "https:") return { ok: false, reason: "must use https" };
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
  return { ok: true, url: url.toString() };
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
