/**
 * Each limit of the plan with what the organisation uses of it: a bar for counted limits, a
 * yes/no for features. A bar turns amber from 80% and red at the limit, where the next one is
 * refused (402) until an upgrade.
 */
export type UsageEntry = { used: number | boolean | null; allowed: number | boolean };

const LABELS: Record<string, { label: string; unit?: string }> = {
  services: { label: "Services monitored" },
  ingest_items_per_minute: { label: "Ingest items this minute" },
  retention_days: { label: "History kept", unit: "days" },
  ai_analyses_per_day: { label: "AI analyses today" },
  seats: { label: "Seats (members and pending invitations)" },
  runbooks: { label: "Runbooks" },
  autonomous_mode: { label: "Autonomous mode" },
  action_executors: { label: "Action executors" },
};

export const limitLabel = (name: string) => LABELS[name]?.label ?? name;

const number = (n: number) => n.toLocaleString("en-IN");

function level(share: number): "ok" | "warn" | "danger" {
  if (share >= 1) return "danger";
  return share >= 0.8 ? "warn" : "ok";
}

export function UsageBars({ usage }: { usage: Record<string, UsageEntry> }) {
  return (
    <ul className="usage" data-testid="usage">
      {Object.entries(usage).map(([name, { used, allowed }]) => {
        const info = LABELS[name] ?? { label: name };
        if (typeof allowed === "boolean") {
          return (
            <li key={name} data-limit={name}>
              <div className="usage-head">
                <span>{info.label}</span>
                <span className={allowed ? "" : "muted"}>
                  {allowed ? (used ? "included, in use" : "included") : "not in this plan"}
                </span>
              </div>
            </li>
          );
        }
        if (typeof used !== "number") {
          return (
            <li key={name} data-limit={name}>
              <div className="usage-head">
                <span>{info.label}</span>
                <span>
                  {number(allowed)} {info.unit ?? ""}
                </span>
              </div>
            </li>
          );
        }
        const share = allowed > 0 ? used / allowed : 1;
        return (
          <li key={name} data-limit={name}>
            <div className="usage-head">
              <span>{info.label}</span>
              <span data-testid={`usage-${name}`}>
                {number(used)} of {number(allowed)}
              </span>
            </div>
            {/* the numbers above say it in words: the bar is for the eye */}
            <div className={`usage-bar ${level(share)}`} aria-hidden="true">
              <span style={{ width: `${Math.min(100, Math.round(share * 100))}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
