import { describe, expect, it } from "vitest";
import { durationMs, parseRunbook, triggersMatch } from "../../workers/domain/runbooks/runbook-schema";

const GOOD = `name: Checkout latency
description: Restart, wait, check; roll back if it did not help.
triggers:
  - service: checkout
    metric: http_latency_*
    severity: [high, critical]
steps:
  - id: restart
    action: restart_service
  - wait: 5m
  - id: verify
    check:
      metric: http_latency_p99
      below: 500
    on_failure: rollback
  - notify: "Checkout restarted and latency is back"
  - approval: "Roll back as well?"
  - id: rollback
    action: rollback_deployment
on_failure:
  - notify: "The checkout runbook failed"
`;

describe("runbook YAML", () => {
  it("parses a valid runbook", () => {
    const parsed = parseRunbook(GOOD);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.runbook.steps).toHaveLength(6);
    expect(parsed.runbook.steps[0]).toEqual({ id: "restart", action: "restart_service", params: {} });
    expect(parsed.runbook.on_failure).toEqual([{ notify: "The checkout runbook failed" }]);
  });

  it("reports YAML syntax errors with their line", () => {
    const parsed = parseRunbook("name: x\nsteps:\n  - wait: [5m\n");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it("reports schema problems at the line of the offending value", () => {
    const text = GOOD.replace("  - wait: 5m", "  - wait: soon").replace(
      "action: rollback_deployment",
      "action: teleport",
    );
    const parsed = parseRunbook(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      expect.objectContaining({ line: 10, message: expect.stringMatching(/steps\.1\.wait: a duration/) }),
    ]);
    const second = parseRunbook(GOOD.replace("action: rollback_deployment", "action: teleport"));
    expect(second.ok ? [] : second.errors).toEqual([
      expect.objectContaining({
        line: 19,
        message: 'steps.5.action: "teleport" is not in the action catalogue',
      }),
    ]);
  });

  it("checks parameters, step references and duplicate ids", () => {
    const bad = `name: x
steps:
  - id: a
    action: scale_out
    params: { replicas: -2 }
  - id: a
    check: { metric: m, below: 1 }
    on_failure: nowhere
`;
    const parsed = parseRunbook(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.map((e) => [e.line, e.message.split(":")[0]])).toEqual([
      [5, "steps.0.params"],
      [6, "steps.1.id"],
      [8, "steps.1.on_failure"],
    ]);
  });

  it("refuses unknown fields and empty runbooks", () => {
    expect(parseRunbook("name: x\nsteps: []\n").ok).toBe(false);
    expect(parseRunbook("name: x\nsteps:\n  - reboot: everything\n").ok).toBe(false);
    expect(parseRunbook("").ok).toBe(false);
    expect(parseRunbook("name: x\nname: y\nsteps:\n  - wait: 1m\n").ok).toBe(false);
  });

  it("reads durations", () => {
    expect(durationMs("30s")).toBe(30_000);
    expect(durationMs("5m")).toBe(300_000);
    expect(durationMs("2h")).toBe(7_200_000);
  });
});

describe("runbook triggers", () => {
  const subject = {
    service: "checkout",
    environment: "production",
    metrics: ["http_latency_p99", "error_rate"],
    severity: "critical" as const,
    pattern: "db_saturation",
  };

  it("match on every field a trigger names, with globs", () => {
    expect(
      triggersMatch([{ service: "check*", metric: "http_latency_*", severity: ["critical"] }], subject),
    ).toBe(true);
    expect(triggersMatch([{ service: "checkout", environment: "staging" }], subject)).toBe(false);
    expect(triggersMatch([{ pattern: "disk_full" }, { pattern: "db_saturation" }], subject)).toBe(true);
    expect(triggersMatch([{ severity: ["low"] }], subject)).toBe(false);
    expect(triggersMatch([], subject)).toBe(false);
  });
});
