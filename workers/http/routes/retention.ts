import { z } from "zod";
import { retentionRunsOf } from "../../services/retention-report";
import { DocumentedRouter } from "../define-route";
import { authenticate, userPrincipal } from "../middleware/authenticate";

/** What the nightly retention job removed for the organisation (its own router beside /api/subscription). */
export const retention = new DocumentedRouter("/api/subscription/retention");
retention.app.use("*", authenticate());

const runSchema = z.object({
  run_id: z.string(),
  retention_days: z.number(),
  cutoff: z.number(),
  removed: z.record(z.string(), z.number()),
  started_at: z.number(),
  finished_at: z.number().nullable(),
});

retention.route(
  {
    tag: "Billing",
    auth: "user",
    minRole: "admin",
    method: "get",
    path: "/",
    summary: "The last 30 nightly retention runs: cutoff and rows removed per table and from the monitors",
    success: {
      status: 200,
      description: "Runs, newest first",
      schema: z.object({ runs: z.array(runSchema) }),
    },
    errors: [401, 403],
  },
  async (c) =>
    c.json({ runs: await retentionRunsOf(c.get("services"), userPrincipal(c.get("principal"))) }, 200),
);
