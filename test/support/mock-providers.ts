import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenLocally } from "./local-server";

/**
 * Local stand-ins for the providers this machine cannot reach, speaking their documented APIs:
 * - Slack incoming webhooks (POST /services/T../B../X..: 200 "ok"; 404 "no_service" for a
 *   revoked one) and response_url (POST /actions/...), https://api.slack.com/messaging/webhooks;
 * - Slack Web API chat.postMessage and chat.update under /api (Bearer xoxb- token, answers
 *   {ok, channel, ts} or {ok:false, error}), https://api.slack.com/methods/chat.postMessage,
 *   and conversations.open with `users` (answers the DM channel "D…"; UGONE… is no such user),
 *   https://api.slack.com/methods/conversations.open;
 * - Ollama's POST /api/chat without streaming, https://github.com/ollama/ollama/blob/main/docs/api.md.
 * Special names drive failures: a webhook path ending in RATELIMIT answers 429 with
 * Retry-After once, FLAKY answers 503 once; Ollama models "good", "badjson", "wrongshape",
 * "slow" (answers after 3 s), "down" (500).
 * GET /__received lists requests (method, path, headers, body); POST /__reset clears them.
 */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: number;
}

export const VALID_MODEL_ANALYSIS = {
  root_cause: {
    description: "Connection pool to orders-db exhausted after v2.4.0 raised concurrency",
    confidence: 82,
    reasoning: "Pool timeout errors began 3 minutes after v2.4.0; latency rose with them.",
  },
  recommended_actions: [
    {
      action: "Roll back to v2.3.9",
      reasoning: "Restores the previous concurrency",
      risk: "medium",
      priority: 1,
    },
    { action: "Check the pool metrics", reasoning: "Confirms exhaustion", risk: "low", priority: 2 },
  ],
  severity: "high",
  estimated_customer_impact: "Checkout requests time out for about 20% of users",
  evidence: ["12 'timeout acquiring connection' errors since 11:52"],
};

/** The shared secret the stand-in agent verifies Deployr's webhook signature with. */
export const AGENT_SECRET = "agent-shared-secret-0123456789";
export const K8S_TOKEN = "k8s-service-account-token";
export const GITHUB_TOKEN = "ghp_testtoken0123456789abcdefghij";
export const CLOUDFLARE_TOKEN = "cf-api-token-0123456789";

/** A Kubernetes cluster's state as the apps/v1 API shows it: one deployment and its ReplicaSets. */
function freshCluster() {
  const template = (image: string, hash: string) => ({
    metadata: { labels: { app: "checkout", "pod-template-hash": hash } },
    spec: { containers: [{ name: "checkout", image }] },
  });
  return {
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "checkout",
        namespace: "prod",
        annotations: { "deployment.kubernetes.io/revision": "3" },
      },
      spec: {
        replicas: 3,
        paused: false,
        selector: { matchLabels: { app: "checkout" } },
        template: {
          metadata: { labels: { app: "checkout" }, annotations: {} as Record<string, string> },
          spec: { containers: [{ name: "checkout", image: "shop/checkout:v2.4.0" }] },
        },
      },
    },
    replicaSets: [
      {
        metadata: {
          name: "checkout-7d9f",
          annotations: { "deployment.kubernetes.io/revision": "2" },
          ownerReferences: [{ kind: "Deployment", name: "checkout" }],
        },
        spec: { template: template("shop/checkout:v2.3.9", "7d9f") },
      },
      {
        metadata: {
          name: "checkout-8c1a",
          annotations: { "deployment.kubernetes.io/revision": "3" },
          ownerReferences: [{ kind: "Deployment", name: "checkout" }],
        },
        spec: { template: template("shop/checkout:v2.4.0", "8c1a") },
      },
      {
        metadata: {
          name: "other-1111",
          annotations: { "deployment.kubernetes.io/revision": "9" },
          ownerReferences: [{ kind: "Deployment", name: "other" }],
        },
        spec: { template: template("shop/other:v1", "1111") },
      },
    ],
    deletedPods: [] as string[],
  };
}

function hmacHex(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data).digest("hex");
}

interface WorkflowRun {
  id: number;
  name: string;
  display_title: string;
  event: string;
  head_branch: string | undefined;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  workflow: string;
  html_url: string;
  created_at: string;
}

export async function startMockProviders(port = 0) {
  const received: ReceivedRequest[] = [];
  let cluster = freshCluster();
  const seenOnce = new Set<string>();
  let ts = 1_700_000_000;
  /** GitHub workflow runs the dispatches created: each GET of one moves it a step on */
  let workflowRuns = new Map<number, WorkflowRun>();
  let nextRunId = 9_000_000;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
      if (req.method === "GET" && path === "/__received") return json(200, received);
      if (req.method === "POST" && path === "/__reset") {
        received.length = 0;
        seenOnce.clear();
        cluster = freshCluster();
        workflowRuns = new Map();
        return json(200, { ok: true });
      }
      if (req.method === "GET" && path === "/__k8s") return json(200, cluster);
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        // keep the raw text
      }
      received.push({ method: req.method ?? "", path, headers: req.headers, body, at: Date.now() });

      if (req.method === "POST" && /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(path)) {
        if (path.endsWith("GONE"))
          return res.writeHead(404, { "content-type": "text/plain" }).end("no_service");
        if (path.endsWith("RATELIMIT") && !seenOnce.has(path)) {
          seenOnce.add(path);
          return res.writeHead(429, { "content-type": "text/plain", "retry-after": "1" }).end("rate_limited");
        }
        if (path.endsWith("FLAKY") && !seenOnce.has(path)) {
          seenOnce.add(path);
          return res.writeHead(503, { "content-type": "text/plain" }).end("service_unavailable");
        }
        const payload = body as { text?: string; blocks?: unknown; attachments?: unknown };
        if (!payload || (typeof payload.text !== "string" && !payload.blocks && !payload.attachments)) {
          return res.writeHead(400, { "content-type": "text/plain" }).end("invalid_payload");
        }
        return res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
      // a customer's service under health checks: healthy, failing, slow, wrong body, redirecting
      if (path.startsWith("/svc/")) {
        const what = path.slice("/svc/".length);
        if (what === "ok")
          return json(200, { status: "ok", checks: [{ name: "db", ok: true }], version: "2.7.0" });
        if (what === "degraded")
          return json(200, { status: "degraded", checks: [{ name: "db", ok: false }] });
        if (what === "500")
          return res.writeHead(500, { "content-type": "text/plain" }).end("upstream connect error");
        if (what === "html")
          return res
            .writeHead(200, { "content-type": "text/html" })
            .end("<html><h1>Down for maintenance</h1></html>");
        if (what === "login") return res.writeHead(302, { location: "/login" }).end();
        if (what === "slow") {
          setTimeout(() => json(200, { status: "ok" }), 2_000);
          return;
        }
        if (what === "edge-dns")
          return res.writeHead(530, { "content-type": "text/plain" }).end("error code: 1016");
      }
      if (req.method === "POST" && path.startsWith("/actions/")) {
        return res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
      // conversations.open: the DM channel of a user is "D" + the user id without its "U";
      // a user id starting with UGONE does not exist.
      if (req.method === "POST" && path === "/api/conversations.open") {
        const token = String(req.headers.authorization ?? "");
        if (!token.startsWith("Bearer xoxb-")) return json(200, { ok: false, error: "not_authed" });
        const users = String((body as { users?: string })?.users ?? "");
        if (!users || users.includes(",")) return json(200, { ok: false, error: "user_not_found" });
        if (users.startsWith("UGONE")) return json(200, { ok: false, error: "user_not_found" });
        return json(200, { ok: true, channel: { id: `D${users.slice(1)}` } });
      }
      if (req.method === "POST" && (path === "/api/chat.postMessage" || path === "/api/chat.update")) {
        const token = String(req.headers.authorization ?? "");
        if (!token.startsWith("Bearer xoxb-")) return json(200, { ok: false, error: "not_authed" });
        const payload = body as { channel?: string; ts?: string };
        if (!payload?.channel) return json(200, { ok: false, error: "channel_not_found" });
        if (path === "/api/chat.update")
          return json(200, { ok: true, channel: payload.channel, ts: payload.ts });
        ts += 1;
        return json(200, { ok: true, channel: "C0123456789", ts: `${ts}.000100` });
      }
      // The customer's agent: verifies Deployr's signature before accepting anything.
      if (req.method === "POST" && path.startsWith("/agent/")) {
        const timestamp = String(req.headers["x-deployr-timestamp"] ?? "");
        const signature = String(req.headers["x-deployr-signature"] ?? "");
        const expected = `v1=${hmacHex(AGENT_SECRET, `${timestamp}.${raw}`)}`;
        const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) <= 300;
        const valid =
          signature.length === expected.length &&
          timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
        if (!fresh || !valid) return json(401, { error: "bad signature" });
        if (path.endsWith("/busy") && !seenOnce.has(path)) {
          seenOnce.add(path);
          return json(503, { error: "agent busy" });
        }
        return json(202, { accepted: true, id: `job-${received.length}` });
      }
      // GitHub: workflow_dispatch answers 204 No Content.
      const dispatch = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path);
      if (req.method === "POST" && dispatch) {
        if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
          return json(401, { message: "Bad credentials" });
        if (dispatch[3] === "missing.yml") return json(404, { message: "Not Found" });
        const payload = body as { ref?: string; inputs?: Record<string, unknown> };
        if (!payload?.ref || Object.values(payload.inputs ?? {}).some((v) => typeof v !== "string")) {
          return json(422, { message: "Invalid request: inputs must be strings" });
        }
        const details = (body as { return_run_details?: unknown }).return_run_details === true;
        // an older GitHub Enterprise Server does not know the field (workflow "legacy.yml")
        if (details && dispatch[3] === "legacy.yml")
          return json(422, { message: 'Invalid request.\n\n"return_run_details" is not a permitted key.' });
        nextRunId += 1;
        const repo = `${dispatch[1]}/${dispatch[2]}`;
        const run: WorkflowRun = {
          id: nextRunId,
          name: "Deploy",
          display_title: `deploy ${payload.inputs?.deployment_id ?? ""}`.trim(),
          event: "workflow_dispatch",
          head_branch: payload.ref,
          status: "queued",
          conclusion: null,
          workflow: dispatch[3] ?? "",
          html_url: `https://github.com/${repo}/actions/runs/${nextRunId}`,
          created_at: new Date().toISOString(),
        };
        workflowRuns.set(run.id, run);
        if (!details) return res.writeHead(204).end();
        return json(200, {
          workflow_run_id: run.id,
          run_url: `https://api.github.com/repos/${repo}/actions/runs/${run.id}`,
          html_url: run.html_url,
        });
      }
      // GitHub: a workflow run (https://docs.github.com/en/rest/actions/workflow-runs#get-a-workflow-run);
      // queued, then in_progress, then completed: success, or failure for a workflow named *fails*
      const runPath = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(path);
      if (req.method === "GET" && runPath) {
        if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
          return json(401, { message: "Bad credentials" });
        const run = workflowRuns.get(Number(runPath[3]));
        if (!run) return json(404, { message: "Not Found" });
        if (run.status === "queued") run.status = "in_progress";
        else if (run.status === "in_progress") {
          run.status = "completed";
          run.conclusion = run.workflow.includes("fails") ? "failure" : "success";
        }
        return json(200, run);
      }
      // GitHub: a workflow's runs (https://docs.github.com/en/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow)
      const listRuns = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/.exec(path);
      if (req.method === "GET" && listRuns) {
        if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
          return json(401, { message: "Bad credentials" });
        const runs = [...workflowRuns.values()].filter((r) => r.workflow === listRuns[3]).reverse();
        return json(200, { total_count: runs.length, workflow_runs: runs });
      }
      // Cloudflare Pages deploy hook: the id is the credential; a revoked one is "not found"
      const hook = /^\/client\/v4\/pages\/webhooks\/deploy_hooks\/([A-Za-z0-9-]+)$/.exec(path);
      if (req.method === "POST" && hook) {
        if (hook[1] === "revoked")
          return json(404, {
            success: false,
            errors: [{ code: 8000034, message: "Deploy hook not found" }],
            messages: [],
            result: null,
          });
        ts += 1;
        return json(200, {
          success: true,
          errors: [],
          messages: [],
          result: { id: `6e1f8a0c-0000-4000-8000-${String(ts).padStart(12, "0")}` },
        });
      }
      // GitHub: GET a workflow (the executor's "test connection").
      const workflow = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)$/.exec(path);
      if (req.method === "GET" && workflow) {
        if (req.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
          return json(401, { message: "Bad credentials" });
        if (workflow[3] === "missing.yml") return json(404, { message: "Not Found" });
        return json(200, {
          id: 161335,
          name: "Remediate",
          path: `.github/workflows/${workflow[3]}`,
          state: "active",
        });
      }
      // Cloudflare: GET a zone (the executor's "test connection").
      const zone = /^\/client\/v4\/zones\/([0-9a-f]{32})$/.exec(path);
      if (req.method === "GET" && zone) {
        if (req.headers.authorization !== `Bearer ${CLOUDFLARE_TOKEN}`)
          return json(403, { success: false, errors: [{ code: 10000, message: "Authentication error" }] });
        return json(200, {
          success: true,
          errors: [],
          messages: [],
          result: { id: zone[1], name: "example.com" },
        });
      }
      // Cloudflare: purge_cache answers {success, errors, messages, result: {id}}.
      const purge = /^\/client\/v4\/zones\/([0-9a-f]{32})\/purge_cache$/.exec(path);
      if (req.method === "POST" && purge) {
        if (req.headers.authorization !== `Bearer ${CLOUDFLARE_TOKEN}`) {
          return json(403, {
            success: false,
            errors: [{ code: 10000, message: "Authentication error" }],
            messages: [],
            result: null,
          });
        }
        return json(200, { success: true, errors: [], messages: [], result: { id: purge[1] } });
      }
      // Kubernetes apps/v1 (and core/v1 for pods), namespace "prod".
      if (path.startsWith("/apis/") || path.startsWith("/api/v1/")) {
        if (req.headers.authorization !== `Bearer ${K8S_TOKEN}`) {
          return json(401, {
            kind: "Status",
            apiVersion: "v1",
            status: "Failure",
            message: "Unauthorized",
            reason: "Unauthorized",
            code: 401,
          });
        }
        const notFound = () =>
          json(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
        const dep = cluster.deployment;
        const base = "/apis/apps/v1/namespaces/prod/deployments/checkout";
        const type = String(req.headers["content-type"] ?? "");
        if (path === base && req.method === "GET") return json(200, dep);
        if (path === "/apis/apps/v1/namespaces/prod/deployments" && req.method === "GET")
          return json(200, { kind: "DeploymentList", apiVersion: "apps/v1", items: [dep] });
        if (path === `${base}/scale`) {
          if (req.method === "GET")
            return json(200, {
              kind: "Scale",
              apiVersion: "autoscaling/v1",
              spec: { replicas: dep.spec.replicas },
              status: { replicas: dep.spec.replicas },
            });
          if (req.method === "PATCH" && type === "application/merge-patch+json") {
            dep.spec.replicas = (body as { spec: { replicas: number } }).spec.replicas;
            return json(200, {
              kind: "Scale",
              apiVersion: "autoscaling/v1",
              spec: { replicas: dep.spec.replicas },
            });
          }
        }
        if (path === base && req.method === "PATCH") {
          if (type === "application/strategic-merge-patch+json" || type === "application/merge-patch+json") {
            const patch = body as {
              spec?: { paused?: boolean; template?: { metadata?: { annotations?: Record<string, string> } } };
            };
            if (patch.spec?.paused !== undefined) dep.spec.paused = patch.spec.paused;
            Object.assign(
              dep.spec.template.metadata.annotations,
              patch.spec?.template?.metadata?.annotations ?? {},
            );
            return json(200, dep);
          }
          if (type === "application/json-patch+json") {
            const ops = body as { op: string; path: string; value: typeof dep.spec.template }[];
            for (const op of ops)
              if (op.op === "replace" && op.path === "/spec/template")
                dep.spec.template = {
                  ...op.value,
                  metadata: { ...op.value.metadata, annotations: {} },
                } as typeof dep.spec.template;
            const revision = Number(dep.metadata.annotations["deployment.kubernetes.io/revision"]) + 1;
            dep.metadata.annotations["deployment.kubernetes.io/revision"] = String(revision);
            return json(200, dep);
          }
          return json(415, { kind: "Status", code: 415, message: `unsupported media type ${type}` });
        }
        if (path === "/apis/apps/v1/namespaces/prod/replicasets" && req.method === "GET") {
          const selector = new URL(req.url ?? "", "http://x").searchParams.get("labelSelector") ?? "";
          const wanted = Object.fromEntries(
            selector
              .split(",")
              .filter(Boolean)
              .map((kv) => kv.split("=")),
          );
          const items = cluster.replicaSets.filter((rs) =>
            Object.entries(wanted).every(
              ([k, v]) => (rs.spec.template.metadata.labels as Record<string, string>)[k] === v,
            ),
          );
          return json(200, { kind: "ReplicaSetList", apiVersion: "apps/v1", items });
        }
        const pod = /^\/api\/v1\/namespaces\/prod\/pods\/([^/]+)$/.exec(path);
        if (pod && req.method === "DELETE") {
          cluster.deletedPods.push(pod[1] ?? "");
          return json(200, { kind: "Pod", apiVersion: "v1", metadata: { name: pod[1] } });
        }
        return notFound();
      }
      if (req.method === "POST" && path === "/api/chat") {
        const request = body as { model?: string; messages?: unknown[]; stream?: boolean };
        const answer = (content: string) =>
          json(200, {
            model: request.model,
            created_at: new Date().toISOString(),
            message: { role: "assistant", content },
            done: true,
            done_reason: "stop",
            total_duration: 1_200_000_000,
            load_duration: 1_000_000,
            prompt_eval_count: 412,
            prompt_eval_duration: 100_000_000,
            eval_count: 128,
            eval_duration: 900_000_000,
          });
        switch (request.model) {
          case "good":
            return answer(JSON.stringify(VALID_MODEL_ANALYSIS));
          case "badjson":
            return answer('{"root_cause": {"description": "cut off');
          case "wrongshape":
            return answer(JSON.stringify({ cause: "database", certainty: "high" }));
          case "slow":
            setTimeout(() => answer(JSON.stringify(VALID_MODEL_ANALYSIS)), 3_000);
            return;
          case "down":
            return json(500, { error: "model runner has unexpectedly stopped" });
          default:
            return json(404, { error: `model "${request.model}" not found, try pulling it first` });
        }
      }
      json(404, { error: "not found" });
    });
  });
  return listenLocally(server, port, "mock providers");
}
