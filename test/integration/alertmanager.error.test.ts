import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import firingCritical from "../fixtures/alertmanager/firing-critical.json?raw";
import missingService from "../fixtures/alertmanager/missing-service.json?raw";
import { api } from "./harness";
import { registerAgent } from "./ingest-harness";
import { alertmanagerPost, shifted, shiftToNow } from "./standard-ingest-harness";

async function incidentServices(orgId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT service FROM incidents WHERE org_id = ?")
    .bind(orgId)
    .all<{ service: string }>();
  return rows.results.map((r) => r.service);
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: unknown[] } }).error;
}

describe("Alertmanager webhook refusals", () => {
  it("refuses the alert without a service label in the answer and stores the other one", async () => {
    const agent = await registerAgent();
    const res = await alertmanagerPost(agent, shifted(missingService, shiftToNow(missingService)));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      accepted: number;
      rejected: unknown[];
      alerts: { index: number; service: string; outcome: string }[];
    };
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([
      {
        index: 0,
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        alertname: "DiskAlmostFull",
        reason: expect.stringContaining("no service"),
      },
    ]);
    expect(answer.alerts).toEqual([
      expect.objectContaining({ index: 1, service: "search", outcome: "opened" }),
    ]);
    expect(await incidentServices(agent.orgId)).toEqual(["search"]);
  });

  it("answers 422 naming each alert when no alert of the notification can be taken", async () => {
    const agent = await registerAgent();
    const body = JSON.parse(missingService);
    body.alerts = [body.alerts[0]];
    const res = await alertmanagerPost(agent, JSON.stringify(body));
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual([
      { path: "alerts.0", message: expect.stringMatching(/^DiskAlmostFull: no service/) },
    ]);
  });

  it("answers 400 for malformed JSON, 422 for JSON that is no notification, 415 for another media type", async () => {
    const agent = await registerAgent();
    const broken = await alertmanagerPost(agent, firingCritical.slice(0, 200));
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe("malformed_json");

    for (const body of ["{}", "[]", '{"alerts": {"0": {}}}', '{"alerts": [], "commonLabels": {"a": 1}}']) {
      const res = await alertmanagerPost(agent, body);
      expect(res.status, body).toBe(422);
      expect((await errorOf(res)).code).toBe("validation_failed");
    }

    const text = await alertmanagerPost(agent, firingCritical, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect((await errorOf(text)).code).toBe("unsupported_media_type");
    expect(await incidentServices(agent.orgId)).toEqual([]);
  });

  it("takes another version whose shape fits, and says so in the answer", async () => {
    const agent = await registerAgent();
    const body = JSON.parse(shifted(firingCritical, shiftToNow(firingCritical)));
    body.version = "5";
    const res = await alertmanagerPost(agent, JSON.stringify(body));
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { accepted: number; warnings: string[] };
    expect(answer.accepted).toBe(1);
    expect(answer.warnings).toEqual([expect.stringContaining('version "5" is not the webhook version 4')]);
    expect(await incidentServices(agent.orgId)).toEqual(["checkout"]);
  });

  it("takes the key as basic-auth password; refuses a user's token (403), no key (401) and a read-only key (403)", async () => {
    const agent = await registerAgent();
    const body = shifted(firingCritical, shiftToNow(firingCritical));
    const asUser = await alertmanagerPost(agent, body, { authorization: `Bearer ${agent.token}` });
    expect(asUser.status).toBe(403);
    const anonymous = await alertmanagerPost(agent, body, { authorization: "" });
    expect(anonymous.status).toBe(401);
    const reader = await api("/api/keys", { token: agent.token, body: { name: "reader", scopes: ["read"] } });
    const readOnly = await alertmanagerPost(agent, body, { authorization: `Bearer ${reader.body.key}` });
    expect(readOnly.status).toBe(403);
    expect(await incidentServices(agent.orgId)).toEqual([]);

    const basic = await alertmanagerPost(agent, body, {
      authorization: `Basic ${btoa(`alertmanager:${agent.key}`)}`,
    });
    expect(basic.status).toBe(200);
    expect(await incidentServices(agent.orgId)).toEqual(["checkout"]);
  });
});
