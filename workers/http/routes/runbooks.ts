import { Hono } from "hono";
import { z } from "zod";
import { parseRunbook } from "../../domain/runbooks/runbook-schema";
import {
  createRunbook,
  decideRun,
  deleteRunbook,
  getRun,
  getRunbook,
  listRunbooks,
  listRuns,
  runbookView,
  startRunbook,
  updateRunbook,
} from "../../services/runbooks";
import { authenticate, requireRole, userPrincipal } from "../middleware/authenticate";
import type { RouteDoc } from "../openapi";
import type { AppEnv } from "../types";
import { jsonBody, pathParams } from "../validation";

const source = z
  .string()
  .min(1)
  .max(64 * 1024)
  .describe("the runbook in YAML");
const createBody = z.strictObject({ source, enabled: z.boolean().default(true) });
const updateBody = z.strictObject({ source: source.optional(), enabled: z.boolean().optional() });
const validateBody = z.strictObject({ source });
const runBody = z
  .strictObject({
    incident_id: z.string().min(1).max(64).optional(),
    service: z.string().min(1).max(200).optional(),
    environment: z.string().min(1).max(100).optional(),
    dry_run: z.boolean().default(false),
  })
  .default({ dry_run: false });
const idParams = z.object({ id: z.string().min(1).max(64) });
const runParams = z.object({ runId: z.string().min(1).max(64) });

/** Runbooks: CRUD of the YAML, validation for editors, runs (dry or real), approvals. */
export const runbookRoutes = new Hono<AppEnv>();
runbookRoutes.use("*", authenticate());

runbookRoutes.get("/", requireRole("viewer"), async (c) =>
  c.json({ runbooks: await listRunbooks(c.get("services"), c.get("principal").orgId) }, 200),
);

runbookRoutes.post("/validate", requireRole("viewer"), jsonBody(validateBody), (c) => {
  const parsed = parseRunbook(c.req.valid("json").source);
  return c.json(parsed.ok ? { valid: true, errors: [] } : { valid: false, errors: parsed.errors }, 200);
});

runbookRoutes.post("/", requireRole("member"), jsonBody(createBody), async (c) => {
  const runbook = await createRunbook(
    c.get("services"),
    userPrincipal(c.get("principal")),
    c.req.valid("json"),
    c.get("meta"),
  );
  return c.json({ runbook }, 201);
});

runbookRoutes.get("/runs/:runId", requireRole("viewer"), pathParams(runParams), async (c) =>
  c.json({ run: await getRun(c.get("services"), c.get("principal").orgId, c.req.valid("param").runId) }, 200),
);

for (const [verb, decision] of [
  ["approve", "approved"],
  ["reject", "rejected"],
  ["cancel", "cancelled"],
] as const) {
  runbookRoutes.post(`/runs/:runId/${verb}`, requireRole("member"), pathParams(runParams), async (c) => {
    const run = await decideRun(
      c.get("services"),
      userPrincipal(c.get("principal")),
      c.req.valid("param").runId,
      decision,
    );
    return c.json({ run }, 200);
  });
}

runbookRoutes.get("/:id", requireRole("viewer"), pathParams(idParams), async (c) =>
  c.json(
    {
      runbook: runbookView(
        await getRunbook(c.get("services"), c.get("principal").orgId, c.req.valid("param").id),
      ),
    },
    200,
  ),
);

runbookRoutes.put("/:id", requireRole("member"), pathParams(idParams), jsonBody(updateBody), async (c) => {
  const runbook = await updateRunbook(
    c.get("services"),
    userPrincipal(c.get("principal")),
    c.req.valid("param").id,
    c.req.valid("json"),
    c.get("meta"),
  );
  return c.json({ runbook }, 200);
});

runbookRoutes.delete("/:id", requireRole("member"), pathParams(idParams), async (c) => {
  await deleteRunbook(
    c.get("services"),
    userPrincipal(c.get("principal")),
    c.req.valid("param").id,
    c.get("meta"),
  );
  return c.json({ ok: true as const }, 200);
});

runbookRoutes.post("/:id/run", requireRole("member"), pathParams(idParams), jsonBody(runBody), async (c) => {
  const run = await startRunbook(
    c.get("services"),
    userPrincipal(c.get("principal")),
    c.req.valid("param").id,
    c.req.valid("json"),
  );
  return c.json({ run }, 201);
});

runbookRoutes.get("/:id/runs", requireRole("viewer"), pathParams(idParams), async (c) =>
  c.json({ runs: await listRuns(c.get("services"), c.get("principal").orgId, c.req.valid("param").id) }, 200),
);

const tag = "Runbooks";
const member = { auth: "user" as const, minRole: "member" as const };
export const runbookDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/api/runbooks",
    tag,
    summary: "Runbooks",
    auth: "user",
    success: { status: 200, description: "Runbooks" },
  },
  {
    method: "post",
    path: "/api/runbooks",
    tag,
    summary: "Create a runbook from YAML (422 lists problems with line and column)",
    ...member,
    body: createBody,
    success: { status: 201, description: "Created" },
    errors: [400, 401, 403, 422],
  },
  {
    method: "post",
    path: "/api/runbooks/validate",
    tag,
    summary: "Validate runbook YAML without saving",
    auth: "user",
    body: validateBody,
    success: { status: 200, description: "{valid, errors[{line, column, message}]}" },
  },
  {
    method: "get",
    path: "/api/runbooks/{id}",
    tag,
    summary: "A runbook with its source",
    auth: "user",
    params: idParams,
    success: { status: 200, description: "Runbook" },
    errors: [401, 404],
  },
  {
    method: "put",
    path: "/api/runbooks/{id}",
    tag,
    summary: "Replace the YAML or enable/disable",
    ...member,
    params: idParams,
    body: updateBody,
    success: { status: 200, description: "Updated" },
    errors: [400, 401, 403, 404, 422],
  },
  {
    method: "delete",
    path: "/api/runbooks/{id}",
    tag,
    summary: "Delete a runbook and its runs",
    ...member,
    params: idParams,
    success: { status: 200, description: "Deleted" },
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/api/runbooks/{id}/run",
    tag,
    summary: "Run it (optionally for an incident, optionally as a dry run)",
    ...member,
    params: idParams,
    body: runBody,
    success: { status: 201, description: "The run" },
    errors: [400, 401, 403, 404, 422],
  },
  {
    method: "get",
    path: "/api/runbooks/{id}/runs",
    tag,
    summary: "Run history",
    auth: "user",
    params: idParams,
    success: { status: 200, description: "Runs" },
  },
  {
    method: "get",
    path: "/api/runbooks/runs/{runId}",
    tag,
    summary: "A run with its step log",
    auth: "user",
    params: runParams,
    success: { status: 200, description: "Run" },
    errors: [401, 404],
  },
  ...(
    [
      ["approve", "Approve the step waiting for approval"],
      ["reject", "Reject the step waiting for approval: it fails and goes where its on_failure says"],
      ["cancel", "Cancel a run that has not finished"],
    ] as const
  ).map(
    ([verb, summary]): RouteDoc => ({
      method: "post",
      path: `/api/runbooks/runs/{runId}/${verb}`,
      tag,
      summary,
      ...member,
      params: runParams,
      success: { status: 200, description: "The run" },
      errors: [401, 403, 404, 409],
    }),
  ),
];
