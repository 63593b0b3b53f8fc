import { describe, expect, it } from "vitest";
import { analysisContextSchema } from "../../workers/domain/analysis/analysis-schema";
import { analyseWithRules } from "../../workers/domain/analysis/rule-engine";
import {
  blockKitViolations,
  escapeMrkdwn,
  incidentAlert,
  SLACK_LIMITS,
} from "../../workers/domain/notify/slack-message";

function alert(
  overrides: { title?: string; anomalies?: number; actions?: number; description?: string } = {},
) {
  const analysis = analyseWithRules(
    analysisContextSchema.parse({
      service: { name: "checkout", environment: "production" },
      error_logs: [
        {
          timestamp: "2026-11-20T12:00:00Z",
          level: "error",
          message: "Error: connect ECONNREFUSED 10.0.0.1:80",
        },
      ],
    }),
  );
  if (overrides.description) analysis.root_cause.description = overrides.description;
  return incidentAlert({
    incident: {
      id: "inc_1",
      title: overrides.title ?? "checkout: http_error_rate 900% above baseline",
      service: "checkout",
      environment: "production",
      severity: "critical",
      openedAt: Date.parse("2026-11-20T12:00:00Z"),
    },
    analysis,
    provider: "rules",
    anomalies: Array.from({ length: overrides.anomalies ?? 2 }, (_, i) => ({
      metric_name: `metric_${i}`,
      current_value: 120.5,
      baseline_mean: 20,
      deviation_percent: 502.5,
      z_score: 6.1,
    })),
    actions: Array.from({ length: overrides.actions ?? 1 }, (_, i) => ({
      id: `act_${i}`,
      title: `Roll back to the previous version ${i}`,
      risk: "medium" as const,
      status: "pending",
    })),
    incidentUrl: "https://deployr.example/incidents/inc_1",
  });
}

describe("Slack incident alert", () => {
  it("has the header, root cause, anomalies against baseline, actions, impact, link and buttons", () => {
    const message = alert();
    const blocks = message.attachments[0]!.blocks;
    const json = JSON.stringify(blocks);
    expect(blocks[0]).toMatchObject({ type: "header" });
    expect(message.attachments[0]!.color).toBe("#E01E5A");
    expect(json).toContain("Root cause");
    expect(json).toContain("121 vs 20 baseline (+503%, z 6.1)");
    expect(json).toContain("Recommended actions");
    expect(json).toContain("Customer impact");
    expect(json).toContain("https://deployr.example/incidents/inc_1");
    const buttons = blocks.flatMap((b) => (b.elements as { action_id?: string; value?: string }[]) ?? []);
    expect(buttons.filter((e) => e.action_id === "approve_action").map((e) => e.value)).toEqual(["act_0"]);
    expect(buttons.filter((e) => e.action_id === "reject_action").map((e) => e.value)).toEqual(["act_0"]);
    expect(message.text).toMatch(/CRITICAL/);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it("stays within Block Kit's limits with oversized content", () => {
    const message = alert({
      title: "x".repeat(500),
      anomalies: 40,
      actions: 30,
      description: "y".repeat(5000),
    });
    expect(blockKitViolations(message)).toEqual([]);
    const blocks = message.attachments[0]!.blocks;
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect((blocks[0]!.text as { text: string }).text.length).toBeLessThanOrEqual(150);
  });

  it("reports what breaks the limits", () => {
    const message = alert();
    message.attachments[0]!.blocks = Array.from({ length: 51 }, () => ({ type: "divider" }));
    expect(blockKitViolations(message)).toEqual(["attachment 0: 51 blocks"]);
  });

  it("escapes Slack's control characters in user-provided text", () => {
    expect(escapeMrkdwn("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
    expect(JSON.stringify(alert({ description: "<!here> ping" }))).not.toContain("<!here>");
  });
});

describe("outbound Slack URLs", async () => {
  const { checkSlackUrl, maskWebhookUrl } = await import("../../workers/domain/notify/outbound-url");
  it("accepts only https Slack webhook URLs unless insecure outbound is allowed", () => {
    expect(checkSlackUrl("https://hooks.slack.com/services/T000/B000/XXXX", false, "webhook").ok).toBe(true);
    for (const bad of [
      "http://hooks.slack.com/services/T000/B000/XXXX",
      "https://hooks.slack.com.evil.example/services/T000/B000/XXXX",
      "https://169.254.169.254/latest/meta-data",
      "https://user:pw@hooks.slack.com/services/T000/B000/XXXX",
      "https://hooks.slack.com:8443/services/T000/B000/XXXX",
      "https://hooks.slack.com/other/path",
      "not a url",
    ]) {
      expect(checkSlackUrl(bad, false, "webhook").ok, bad).toBe(false);
    }
    expect(checkSlackUrl("http://127.0.0.1:9999/services/T/B/X", true, "webhook").ok).toBe(true);
    expect(checkSlackUrl("file:///etc/passwd", true, "webhook").ok).toBe(false);
    expect(checkSlackUrl("https://hooks.slack.com/actions/T000/123/abc", false, "response_url").ok).toBe(
      true,
    );
    expect(checkSlackUrl("https://hooks.slack.com/services/T000/B000/XXXX", false, "response_url").ok).toBe(
      false,
    );
  });

  it("masks a webhook to its last four characters", () => {
    expect(maskWebhookUrl("https://hooks.slack.com/services/T000/B000/abcdefgh1234")).toBe(
      "https://hooks.slack.com/services/T000/B000/****1234",
    );
  });
});

describe("action kinds", async () => {
  const { inferActionKind } = await import("../../workers/domain/analysis/action-kinds");
  it("maps a model's wording to the catalogue, and unknown work to investigate", () => {
    expect(inferActionKind({ action: "Roll back to v2.3.9" })).toBe("rollback_deployment");
    expect(inferActionKind({ action: "Restart the checkout pods" })).toBe("restart_service");
    expect(inferActionKind({ action: "Scale out to 6 replicas" })).toBe("scale_out");
    expect(inferActionKind({ action: "Check the pool metrics" })).toBe("investigate");
    expect(inferActionKind({ action: "anything", kind: "clear_cache" })).toBe("clear_cache");
  });
});
