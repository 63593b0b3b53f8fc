import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../workers/auth/tokens";
import { openIncident, poolExhaustionContext } from "./analysis-harness";
import { addMember, api, BASE, cookieHeader, registerTenant, type Tenant, uniqueEmail } from "./harness";

type Role = "owner" | "admin" | "member" | "viewer";
type Fields = Record<string, string>;
const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

interface Org {
  owner: Tenant;
  actor: Tenant;
}

/** What a form acts on, set up by the owner: the form to post and how to tell whether it took effect. */
interface Prepared {
  path: string;
  fields: Fields;
  changed: () => Promise<boolean>;
}

interface FormCase {
  name: string;
  /** the least role the JSON API asks for the same change */
  minRole: Role;
  prepare: (org: Org) => Promise<Prepared>;
}

/** Posts a dashboard form as a browser does: session cookie, same-origin Origin, urlencoded fields. */
function submit(actor: Tenant, path: string, fields: Fields): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: {
      cookie: cookieHeader(actor.cookies),
      origin: BASE,
      host: new URL(BASE).host,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

async function one<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | null> {
  return env.DB.prepare(sql)
    .bind(...params)
    .first<T>();
}

const exists = async (sql: string, ...params: unknown[]) => (await one(sql, ...params)) !== null;

async function incidentFor(org: Org): Promise<string> {
  return openIncident(org.owner.orgId, poolExhaustionContext(`svc-${crypto.randomUUID().slice(0, 8)}`));
}

async function pendingAction(org: Org): Promise<{ incidentId: string; actionRunId: string }> {
  const incidentId = await incidentFor(org);
  const actionRunId = newId("act");
  await env.DB.prepare(
    `INSERT INTO action_runs (id, org_id, incident_id, analysis_id, service, environment, kind, title, reasoning, risk, priority, confidence, status, params, updated_at)
     VALUES (?, ?, ?, ?, 'checkout', 'production', 'restart_service', 'Restart checkout', 'test', 'low', 1, 90, 'pending', '{}', ?)`,
  )
    .bind(actionRunId, org.owner.orgId, incidentId, newId("ana"), Date.now())
    .run();
  return { incidentId, actionRunId };
}

const actionStatus = (id: string) =>
  one<{ status: string }>("SELECT status FROM action_runs WHERE id = ?", id);
const incidentStatus = (id: string) =>
  one<{ status: string }>("SELECT status FROM incidents WHERE id = ?", id);

async function runbookFor(org: Org, withApproval = false): Promise<string> {
  const name = `Runbook ${crypto.randomUUID().slice(0, 8)}`;
  const steps = withApproval ? `  - approval: "Go on?"\n  - notify: "done"\n` : `  - notify: "done"\n`;
  const res = await api("/api/runbooks", {
    token: org.owner.token,
    body: { source: `name: ${name}\nsteps:\n${steps}`, enabled: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.runbook.id;
}

async function runAwaitingApproval(org: Org): Promise<string> {
  const runbookId = await runbookFor(org, true);
  const run = await api(`/api/runbooks/${runbookId}/run`, {
    token: org.owner.token,
    body: { dry_run: false, service: "checkout" },
  });
  expect(run.status, JSON.stringify(run.body)).toBeLessThan(300);
  expect(run.body.run.status).toBe("awaiting_approval");
  return run.body.run.id;
}

const runStatus = (id: string) => one<{ status: string }>("SELECT status FROM runbook_runs WHERE id = ?", id);

async function connectSlack(org: Org) {
  const res = await api("/api/integrations/slack", {
    method: "PUT",
    token: org.owner.token,
    body: { webhook_url: "https://hooks.slack.com/services/T000/B000/XXXXXXXX" },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const slackConnected = (org: Org) =>
  exists("SELECT 1 FROM integrations WHERE org_id = ? AND kind = 'slack'", org.owner.orgId);

/** Every form action of the dashboard, with the role the API asks for the same change. */
const FORMS: FormCase[] = [
  {
    name: "/settings/team invite",
    minRole: "admin",
    prepare: async (org) => {
      const email = uniqueEmail("invitee");
      return {
        path: "/settings/team",
        fields: { intent: "invite", email, role: "viewer" },
        changed: () =>
          exists("SELECT 1 FROM invitations WHERE org_id = ? AND email = ?", org.owner.orgId, email),
      };
    },
  },
  {
    name: "/settings/team change-role",
    minRole: "admin",
    prepare: async (org) => {
      const target = await addMember(org.owner, "viewer");
      return {
        path: "/settings/team",
        fields: { intent: "change-role", user_id: target.userId, role: "member" },
        changed: async () =>
          (
            await one<{ role: string }>(
              "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?",
              org.owner.orgId,
              target.userId,
            )
          )?.role === "member",
      };
    },
  },
  {
    name: "/settings/team remove",
    minRole: "admin",
    prepare: async (org) => {
      const target = await addMember(org.owner, "viewer");
      return {
        path: "/settings/team",
        fields: { intent: "remove", user_id: target.userId },
        changed: async () =>
          !(await exists(
            "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?",
            org.owner.orgId,
            target.userId,
          )),
      };
    },
  },
  {
    name: "/settings/team revoke-invitation",
    minRole: "admin",
    prepare: async (org) => {
      const invitation = await api("/api/team/invitations", {
        token: org.owner.token,
        body: { email: uniqueEmail("pending"), role: "member" },
      });
      expect(invitation.status).toBe(201);
      return {
        path: "/settings/team",
        fields: { intent: "revoke-invitation", invitation_id: invitation.body.id },
        changed: () =>
          exists("SELECT 1 FROM invitations WHERE id = ? AND revoked_at IS NOT NULL", invitation.body.id),
      };
    },
  },
  {
    name: "/settings/api-keys create",
    minRole: "admin",
    prepare: async (org) => {
      const name = `form-key-${crypto.randomUUID().slice(0, 8)}`;
      return {
        path: "/settings/api-keys",
        fields: { name, "scopes[]": "ingest" },
        changed: () => exists("SELECT 1 FROM api_keys WHERE org_id = ? AND name = ?", org.owner.orgId, name),
      };
    },
  },
  {
    name: "/settings/api-keys revoke",
    minRole: "admin",
    prepare: async (org) => {
      const key = await api("/api/keys", {
        token: org.owner.token,
        body: { name: "victim", scopes: ["ingest"] },
      });
      expect(key.status).toBe(201);
      return {
        path: "/settings/api-keys",
        fields: { intent: "revoke", key_id: key.body.id },
        changed: () => exists("SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NOT NULL", key.body.id),
      };
    },
  },
  {
    name: "/autonomous pause",
    minRole: "admin",
    prepare: async (org) => {
      await api("/api/actions/resume", { method: "POST", token: org.owner.token });
      return {
        path: "/autonomous",
        fields: { intent: "pause" },
        changed: () =>
          exists(
            "SELECT 1 FROM organizations WHERE id = ? AND actions_paused_at IS NOT NULL",
            org.owner.orgId,
          ),
      };
    },
  },
  {
    name: "/autonomous resume",
    minRole: "admin",
    prepare: async (org) => {
      await api("/api/actions/pause", { method: "POST", token: org.owner.token });
      return {
        path: "/autonomous",
        fields: { intent: "resume" },
        changed: () =>
          exists("SELECT 1 FROM organizations WHERE id = ? AND actions_paused_at IS NULL", org.owner.orgId),
      };
    },
  },
  {
    name: "/autonomous mode",
    minRole: "admin",
    prepare: async (org) => {
      const service = `svc-${crypto.randomUUID().slice(0, 8)}`;
      return {
        path: "/autonomous",
        fields: { intent: "mode", service, mode: "supervised", hours: "always" },
        changed: () =>
          exists("SELECT 1 FROM service_autonomy WHERE org_id = ? AND service = ?", org.owner.orgId, service),
      };
    },
  },
  ...(["acknowledge", "resolve"] as const).map(
    (intent): FormCase => ({
      name: `/incidents/:id ${intent}`,
      minRole: "member",
      prepare: async (org) => {
        const id = await incidentFor(org);
        return {
          path: `/incidents/${id}`,
          fields: { intent, note: "fixed" },
          changed: async () => (await incidentStatus(id))?.status !== "open",
        };
      },
    }),
  ),
  {
    name: "/incidents/:id reopen",
    minRole: "member",
    prepare: async (org) => {
      const id = await incidentFor(org);
      await env.DB.prepare("UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?")
        .bind(Date.now(), id)
        .run();
      return {
        path: `/incidents/${id}`,
        fields: { intent: "reopen" },
        changed: async () => (await incidentStatus(id))?.status === "open",
      };
    },
  },
  {
    name: "/incidents/:id params",
    minRole: "member",
    prepare: async (org) => {
      const { incidentId, actionRunId } = await pendingAction(org);
      return {
        path: `/incidents/${incidentId}`,
        fields: { intent: "params", action_run_id: actionRunId, params: "{}" },
        changed: () =>
          exists("SELECT 1 FROM audit_log WHERE target_id = ? AND action = 'action.params_set'", actionRunId),
      };
    },
  },
  ...(["approve", "reject"] as const).flatMap((intent): FormCase[] => [
    {
      name: `/incidents/:id ${intent}`,
      minRole: "member",
      prepare: async (org) => {
        const { incidentId, actionRunId } = await pendingAction(org);
        return {
          path: `/incidents/${incidentId}`,
          fields: { intent, action_run_id: actionRunId },
          changed: async () => (await actionStatus(actionRunId))?.status !== "pending",
        };
      },
    },
    {
      name: `/actions ${intent}`,
      minRole: "member",
      prepare: async (org) => {
        const { actionRunId } = await pendingAction(org);
        return {
          path: "/actions",
          fields: { intent, action_run_id: actionRunId },
          changed: async () => (await actionStatus(actionRunId))?.status !== "pending",
        };
      },
    },
  ]),
  {
    name: "/runbooks create",
    minRole: "member",
    prepare: async (org) => {
      const name = `Form runbook ${crypto.randomUUID().slice(0, 8)}`;
      return {
        path: "/runbooks",
        fields: { intent: "create", source: `name: ${name}\nsteps:\n  - notify: "hello"\n` },
        changed: () => exists("SELECT 1 FROM runbooks WHERE org_id = ? AND name = ?", org.owner.orgId, name),
      };
    },
  },
  {
    name: "/runbooks dry-run",
    minRole: "member",
    prepare: async (org) => {
      const runbookId = await runbookFor(org);
      return {
        path: "/runbooks",
        fields: { intent: "dry-run", runbook_id: runbookId, service: "checkout" },
        changed: () => exists("SELECT 1 FROM runbook_runs WHERE runbook_id = ?", runbookId),
      };
    },
  },
  ...(["approve", "reject", "cancel"] as const).map(
    (intent): FormCase => ({
      name: `/runbooks ${intent}`,
      minRole: "member",
      prepare: async (org) => {
        const runId = await runAwaitingApproval(org);
        return {
          path: "/runbooks",
          fields: { intent, run_id: runId },
          changed: async () => (await runStatus(runId))?.status !== "awaiting_approval",
        };
      },
    }),
  ),
  {
    name: "/settings/integrations ai",
    minRole: "admin",
    prepare: async (org) => {
      await env.DB.prepare("UPDATE organizations SET ai_order = 'cloud_first' WHERE id = ?")
        .bind(org.owner.orgId)
        .run();
      return {
        path: "/settings/integrations",
        fields: { intent: "ai", order: "local_first" },
        changed: () =>
          exists("SELECT 1 FROM organizations WHERE id = ? AND ai_order = 'local_first'", org.owner.orgId),
      };
    },
  },
  {
    name: "/settings/integrations slack",
    minRole: "admin",
    prepare: async (org) => {
      await env.DB.prepare("DELETE FROM integrations WHERE org_id = ? AND kind = 'slack'")
        .bind(org.owner.orgId)
        .run();
      return {
        path: "/settings/integrations",
        fields: {
          intent: "slack",
          mode: "webhook",
          webhook_url: "https://hooks.slack.com/services/T000/B000/YYYYYYYY",
        },
        changed: () => slackConnected(org),
      };
    },
  },
  {
    name: "/settings/integrations slack-remove",
    minRole: "admin",
    prepare: async (org) => {
      await connectSlack(org);
      return {
        path: "/settings/integrations",
        fields: { intent: "slack-remove" },
        changed: async () => !(await slackConnected(org)),
      };
    },
  },
  {
    name: "/settings/github secret",
    minRole: "admin",
    prepare: async (org) => {
      await env.DB.prepare("DELETE FROM github_webhooks WHERE org_id = ?").bind(org.owner.orgId).run();
      return {
        path: "/settings/github",
        fields: { intent: "secret" },
        changed: () => exists("SELECT 1 FROM github_webhooks WHERE org_id = ?", org.owner.orgId),
      };
    },
  },
  {
    name: "/settings/github secret-remove",
    minRole: "admin",
    prepare: async (org) => {
      const made = await api("/api/integrations/github/secret", { method: "POST", token: org.owner.token });
      expect(made.status).toBe(201);
      return {
        path: "/settings/github",
        fields: { intent: "secret-remove" },
        changed: async () =>
          !(await exists("SELECT 1 FROM github_webhooks WHERE org_id = ?", org.owner.orgId)),
      };
    },
  },
  {
    name: "/settings/github map",
    minRole: "admin",
    prepare: async (org) => {
      const repository = `acme/web-${crypto.randomUUID().slice(0, 8)}`;
      return {
        path: "/settings/github",
        fields: {
          intent: "map",
          repository,
          service: "web",
          environment: "",
          workflows: "deploy.yml, Release",
        },
        changed: () =>
          exists(
            "SELECT 1 FROM github_repositories WHERE org_id = ? AND repository = ? AND workflows = ?",
            org.owner.orgId,
            repository,
            JSON.stringify(["deploy.yml", "Release"]),
          ),
      };
    },
  },
  {
    name: "/settings/github unmap",
    minRole: "admin",
    prepare: async (org) => {
      const repository = `acme/web-${crypto.randomUUID().slice(0, 8)}`;
      const put = await api(`/api/integrations/github/repositories/${repository}`, {
        method: "PUT",
        token: org.owner.token,
        body: { service: "web" },
      });
      expect(put.status).toBe(200);
      return {
        path: "/settings/github",
        fields: { intent: "unmap", repository },
        changed: async () =>
          !(await exists(
            "SELECT 1 FROM github_repositories WHERE org_id = ? AND repository = ?",
            org.owner.orgId,
            repository,
          )),
      };
    },
  },
  {
    name: "/get-started create-key",
    minRole: "admin",
    prepare: async (org) => ({
      path: "/get-started",
      fields: { intent: "create-key" },
      changed: () =>
        exists("SELECT 1 FROM api_keys WHERE org_id = ? AND name = 'first-agent'", org.owner.orgId),
    }),
  },
  {
    name: "/get-started test-event",
    minRole: "member",
    prepare: async (org) => ({
      path: "/get-started",
      fields: { intent: "test-event" },
      changed: () =>
        exists("SELECT 1 FROM services WHERE org_id = ? AND name = 'deployr-test-event'", org.owner.orgId),
    }),
  },
  {
    name: "/billing upgrade",
    minRole: "admin",
    prepare: async (org) => ({
      path: "/billing",
      fields: { intent: "upgrade", plan: "pro" },
      changed: () =>
        exists(
          "SELECT 1 FROM subscriptions WHERE org_id = ? AND razorpay_subscription_id IS NOT NULL",
          org.owner.orgId,
        ),
    }),
  },
  {
    name: "/settings profile (one's own)",
    minRole: "viewer",
    prepare: async (org) => {
      const fullName = `Renamed ${crypto.randomUUID().slice(0, 8)}`;
      return {
        path: "/settings?index",
        fields: { intent: "profile", full_name: fullName },
        changed: () =>
          exists("SELECT 1 FROM users WHERE id = ? AND full_name = ?", org.actor.userId, fullName),
      };
    },
  },
];

describe.each(["owner", "admin", "member", "viewer"] as const)("dashboard forms as a %s", (role) => {
  const org = {} as Org;

  beforeAll(async () => {
    org.owner = await registerTenant("owner", `Forms ${role} Co`);
    org.actor = role === "owner" ? org.owner : await addMember(org.owner, role);
  });

  it.each(FORMS.map((f) => [f.name, f] as const))("%s", async (_name, form) => {
    const prepared = await form.prepare(org);
    const res = await submit(org.actor, prepared.path, prepared.fields);
    const text = await res.text();
    if (RANK[role] >= RANK[form.minRole]) {
      expect(res.status, text.slice(0, 500)).toBe(200);
      expect(await prepared.changed(), "the change should have been made").toBe(true);
    } else {
      expect(res.status, text.slice(0, 500)).toBe(403);
      expect(await prepared.changed(), "nothing should have changed").toBe(false);
    }
  });
});
