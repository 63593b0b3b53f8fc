import { describe, expect, it } from "vitest";
import { type AuditEntryLike, auditReferences, describeAudit } from "../../workers/domain/audit/audit-text";

const names = {
  "user:u1": "Olga Owner",
  "user:u2": "Mia Member",
  "api_key:k1": "ci-agent",
  "action_run:a1": "Restart checkout",
};
const entry = (over: Partial<AuditEntryLike>): AuditEntryLike => ({
  actorType: "user",
  actorId: "u1",
  action: "login.succeeded",
  targetType: null,
  targetId: null,
  metadata: null,
  ...over,
});

describe("audit entries in words", () => {
  it("names the actor and the target and lists the details as phrases", () => {
    expect(
      describeAudit(
        entry({
          action: "member.role_changed",
          targetType: "user",
          targetId: "u2",
          metadata: { from: "member", to: "admin" },
        }),
        names,
      ),
    ).toEqual({
      actor: "Olga Owner",
      summary: "changed the role of Mia Member",
      details: ["from: member", "to: admin"],
    });
  });

  it("says an action's title, hides ids, and words nested details", () => {
    const text = describeAudit(
      entry({
        action: "action.approved",
        targetType: "action_run",
        targetId: "a1",
        metadata: { kind: "restart_service", incident_id: "inc_1", via: "slack", reason: null },
      }),
      names,
    );
    expect(text.summary).toBe("approved “Restart checkout”");
    expect(text.details).toEqual(["action: restart service", "via: slack"]);
    expect(
      describeAudit(
        entry({
          action: "autonomy.updated",
          targetType: "service",
          targetId: "checkout",
          metadata: { mode: "supervised", environments: { staging: "autonomous" } },
        }),
        names,
      ),
    ).toEqual({
      actor: "Olga Owner",
      summary: "changed the autonomy of checkout",
      details: ["mode: supervised", "environments: staging autonomous"],
    });
  });

  it("names Deployr, API keys, people who left, and actions it does not know", () => {
    expect(
      describeAudit(
        entry({
          actorType: "system",
          actorId: null,
          action: "action.expired",
          targetType: "action_run",
          targetId: "gone",
          metadata: { kind: "scale_up" },
        }),
        names,
      ),
    ).toMatchObject({
      actor: "Deployr",
      summary: "expired the action scale up",
    });
    expect(
      describeAudit(entry({ actorType: "api_key", actorId: "k1", action: "noise.rule_added" }), names),
    ).toMatchObject({
      actor: "API key ci-agent",
      summary: "noise rule added",
    });
    expect(describeAudit(entry({ actorId: "u9" }), names).actor).toBe("A former member");
  });

  it("lists what to look up, by kind", () => {
    expect(
      auditReferences([
        entry({ targetType: "user", targetId: "u2" }),
        entry({ actorType: "api_key", actorId: "k1" }),
        entry({ actorType: "system", actorId: null, targetType: "action_run", targetId: "a1" }),
      ]),
    ).toEqual({ user: ["u1", "u2"], api_key: ["k1"], action_run: ["a1"] });
  });
});
