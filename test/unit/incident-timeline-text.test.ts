import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeEvent,
  peopleOf,
  TIMELINE_KINDS,
  type TimelineEvent,
} from "../../workers/domain/incidents/timeline-text";

const names = {
  users: { u_olga: "Olga Owner", u_mia: "Mia Member" },
  deployments: { dep_1: "v2.4.1" },
};
const say = (kind: string, payload: Record<string, unknown>) => describeEvent({ kind, payload }, names);

/** One example of each kind as its writer stores it (grep: insert(incidentEvents)). */
const EXAMPLES: Record<(typeof TIMELINE_KINDS)[number], [Record<string, unknown>, string]> = {
  opened: [
    {
      score: 7.2,
      severity: "high",
      suspected_deployment: { id: "dep_1", version: "v2.4.1", at: 1, status: "success" },
    },
    "Deployr opened the incident at high severity because it saw anomalies; deployment v2.4.1 shortly before is suspected.",
  ],
  anomalies_attached: [
    { count: 2, metrics: ["latency_ms", "error_ratio"] },
    "2 more anomalies joined the incident (latency_ms and error_ratio).",
  ],
  acknowledged: [{ by: "u_olga", note: null }, "Olga Owner acknowledged the incident."],
  resolved: [{ by: "u_mia", note: "Rolled back" }, "Mia Member resolved the incident."],
  reopened: [{ by: "u_olga", note: null }, "Olga Owner re-opened the incident."],
  analysed: [
    {
      analysis_id: "ana_1",
      provider: "rules",
      model: "rules-v1",
      confidence: 82.4,
      root_cause: "Connection pool exhausted.",
    },
    "The rule base found the likely cause (82% confidence): Connection pool exhausted.",
  ],
  analysis_failed: [{ deliveries: 3 }, "The analysis failed after 3 attempts."],
  suspicion_cleared: [
    { deployment_id: "dep_1", reason: "the errors name the database" },
    "The analysis lifted the suspicion on deployment v2.4.1: the errors name the database.",
  ],
  action_approved: [
    {
      action_run_id: "act_1",
      kind: "restart_service",
      title: "Restart checkout",
      by: "u_olga",
      via: "slack",
      reason: null,
    },
    "Olga Owner approved “Restart checkout” from Slack.",
  ],
  action_rejected: [
    {
      action_run_id: "act_1",
      kind: "restart_service",
      title: "Restart checkout",
      by: "u_mia",
      via: "dashboard",
      reason: "too risky",
    },
    "Mia Member rejected “Restart checkout”.",
  ],
  action_started: [
    { action_run_id: "act_1", kind: "restart_service", title: "Restart checkout" },
    "“Restart checkout” started.",
  ],
  action_executed: [
    { title: "Restart checkout", executor: "github_actions", summary: "workflow dispatched" },
    "“Restart checkout” ran through the github actions executor: workflow dispatched.",
  ],
  action_failed: [
    { title: "Restart checkout", reason: "no executor is configured" },
    "“Restart checkout” failed: no executor is configured.",
  ],
  action_succeeded: [
    { title: "Restart checkout", reasons: [] },
    "“Restart checkout” worked: the incident's metrics are back within their baselines.",
  ],
  note: [{ by: "u_mia", text: "Looking at the pool" }, "Mia Member added a note."],
  status_update: [{ by: "u_olga", text: "Mitigated" }, "Olga Owner posted a status update."],
  assigned: [
    { by: "u_olga", assignee: "u_mia", previous: null },
    "Olga Owner assigned the incident to Mia Member.",
  ],
  unassigned: [{ by: "u_olga", previous: "u_mia" }, "Olga Owner unassigned Mia Member."],
};

describe("timeline sentences", () => {
  it.each(TIMELINE_KINDS)("says %s in a sentence with names", (kind) => {
    const [payload, sentence] = EXAMPLES[kind];
    expect(say(kind, payload).sentence).toBe(sentence);
  });

  it("puts what people wrote under the sentence", () => {
    expect(say("note", { by: "u_mia", text: " Looking at the pool " })).toEqual({
      sentence: "Mia Member added a note.",
      body: "Looking at the pool",
      tone: "note",
    });
    expect(say("resolved", { by: "u_mia", note: "Rolled back" }).body).toBe("Rolled back");
    expect(say("action_rejected", EXAMPLES.action_rejected[0]).body).toBe("too risky");
  });

  it("names Deployr, the autonomy policy, a person who took the incident and one who left", () => {
    expect(say("resolved", { by: "deployr", note: "alerts resolved" }).sentence).toBe(
      "Deployr resolved the incident.",
    );
    expect(say("action_approved", { title: "Purge cache", by: "policy", via: "policy" }).sentence).toBe(
      "The autonomy policy approved “Purge cache” to run on its own.",
    );
    expect(say("assigned", { by: "u_mia", assignee: "u_mia" }).sentence).toBe(
      "Mia Member took the incident.",
    );
    expect(say("unassigned", { by: "u_mia", previous: "u_mia" }).sentence).toBe(
      "Mia Member gave the incident up.",
    );
    expect(say("note", { by: "u_gone", text: "x" }).sentence).toBe("A former member added a note.");
  });

  it("tells an alert that opened the incident and an outcome check that failed", () => {
    expect(
      say("opened", {
        severity: "critical",
        suspected_deployment: null,
        alerts: [{ alertname: "HighLatency" }],
      }).sentence,
    ).toBe("Deployr opened the incident at critical severity because the alert HighLatency fired.");
    expect(say("action_failed", { title: "Restart", reasons: ["latency still high"] }).sentence).toBe(
      "“Restart” did not bring the metrics back: latency still high.",
    );
    expect(say("analysed", { provider: "workers-ai", model: "llama", confidence: 70 }).sentence).toBe(
      "workers-ai (llama) analysed the incident (70% confidence).",
    );
  });

  it("lists the people an event list mentions, without Deployr or the policy", () => {
    const events: TimelineEvent[] = [
      { kind: "assigned", payload: { by: "u_olga", assignee: "u_mia", previous: null } },
      { kind: "resolved", payload: { by: "deployr" } },
      { kind: "action_approved", payload: { by: "policy" } },
      { kind: "note", payload: { by: "u_olga", text: "x" } },
    ];
    expect(peopleOf(events).sort()).toEqual(["u_mia", "u_olga"]);
  });

  it("never shows a payload or throws, whatever the event holds", () => {
    const json = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...TIMELINE_KINDS), fc.stringMatching(/^[a-z_]{1,20}$/)),
        fc.dictionary(
          fc.constantFrom(
            "by",
            "text",
            "title",
            "reason",
            "reasons",
            "count",
            "metrics",
            "alerts",
            "severity",
            "assignee",
            "previous",
            "confidence",
          ),
          json,
        ),
        (kind, payload) => {
          const { sentence } = describeEvent({ kind, payload }, names);
          expect(sentence.length).toBeGreaterThan(0);
          expect(sentence).not.toMatch(/\[object|undefined|NaN/);
        },
      ),
    );
  });
});
