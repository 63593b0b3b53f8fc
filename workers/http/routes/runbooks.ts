import type { Context } from "hono";
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
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";
import type { AppEnv } from "../types";

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
export const runbooks = new DocumentedRouter("/api/runbooks");
runbooks.app.use("*", authenticate());

const tag = "Runbooks";
const viewer = { tag, auth: "user", minRole: "viewer" } as const;
const member = { tag, auth: "user", minRole: "member" } as const;
const actor = (c: Context<AppEnv>) => userPrincipal(c.get("principal"));

runbooks
  .route(
    {
      ...viewer,
      method: "get",
      path: "/",
      summary: "Runbooks",
      success: { status: 200, description: "Runbooks" },
    },
    async (c) => c.json({ runbooks: await listRunbooks(c.get("services"), c.get("principal").orgId) }, 200),
  )
  .route(
    {
      ...viewer,
      method: "post",
      path: "/validate",
      summary: "Validate runbook YAML without saving",
      body: validateBody,
      success: { status: 200, description: "{valid, errors[{line, column, message}]}" },
    },
    (c) => {
      const parsed = parseRunbook(c.req.valid("json").source);
      return c.json(parsed.ok ? { valid: true, errors: [] } : { valid: false, errors: parsed.errors }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "post",
      path: "/",
      summary: "Create a runbook from YAML (422 lists problems with line and column)",
      body: createBody,
      success: { status: 201, description: "Created" },
      errors: [400, 401, 402, 403, 422],
    },
    async (c) => {
      const runbook = await createRunbook(c.get("services"), actor(c), c.req.valid("json"), c.get("meta"));
      return c.json({ runbook }, 201);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/runs/:runId",
      summary: "A run with its step log",
      params: runParams,
      success: { status: 200, description: "Run" },
      errors: [401, 404],
    },
    async (c) =>
      c.json(
        { run: await getRun(c.get("services"), c.get("principal").orgId, c.req.valid("param").runId) },
        200,
      ),
  );

for (const [verb, decision, summary] of [
  ["approve", "approved", "Approve the step waiting for approval"],
  ["reject", "rejected", "Reject the step waiting for approval: it fails and goes where its on_failure says"],
  ["cancel", "cancelled", "Cancel a run that has not finished"],
] as const)
  runbooks.route(
    {
      ...member,
      method: "post",
      path: `/runs/:runId/${verb}`,
      summary,
      params: runParams,
      success: { status: 200, description: "The run" },
      errors: [401, 403, 404, 409],
    },
    async (c) =>
      c.json(
        { run: await decideRun(c.get("services"), actor(c), c.req.valid("param").runId, decision) },
        200,
      ),
  );

runbooks
  .route(
    {
      ...viewer,
      method: "get",
      path: "/:id",
      summary: "A runbook with its source",
      params: idParams,
      success: { status: 200, description: "Runbook" },
      errors: [401, 404],
    },
    async (c) =>
      c.json(
        {
          runbook: runbookView(
            await getRunbook(c.get("services"), c.get("principal").orgId, c.req.valid("param").id),
          ),
        },
        200,
      ),
  )
  .route(
    {
      ...member,
      method: "put",
      path: "/:id",
      summary: "Replace the YAML or enable/disable",
      params: idParams,
      body: updateBody,
      success: { status: 200, description: "Updated" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const runbook = await updateRunbook(
        c.get("services"),
        actor(c),
        c.req.valid("param").id,
        c.req.valid("json"),
        c.get("meta"),
      );
      return c.json({ runbook }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "delete",
      path: "/:id",
      summary: "Delete a runbook and its runs",
      params: idParams,
      success: { status: 200, description: "Deleted" },
      errors: [401, 403, 404],
    },
    async (c) => {
      await deleteRunbook(c.get("services"), actor(c), c.req.valid("param").id, c.get("meta"));
      return c.json({ ok: true as const }, 200);
    },
  )
  .route(
    {
      ...member,
      method: "post",
      path: "/:id/run",
      summary: "Run it (optionally for an incident, optionally as a dry run)",
      params: idParams,
      body: runBody,
      success: { status: 201, description: "The run" },
      errors: [400, 401, 403, 404, 422],
    },
    async (c) => {
      const run = await startRunbook(
        c.get("services"),
        actor(c),
        c.req.valid("param").id,
        c.req.valid("json"),
      );
      return c.json({ run }, 201);
    },
  )
  .route(
    {
      ...viewer,
      method: "get",
      path: "/:id/runs",
      summary: "Run history",
      params: idParams,
      success: { status: 200, description: "Runs" },
    },
    async (c) =>
      c.json(
        { runs: await listRuns(c.get("services"), c.get("principal").orgId, c.req.valid("param").id) },
        200,
      ),
  );
