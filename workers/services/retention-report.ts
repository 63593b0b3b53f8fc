import { desc, eq } from "drizzle-orm";
import { retentionRuns } from "../db/schema";
import { assertRole } from "./authorize";
import type { Services } from "./container";
import type { Principal } from "./principal";

/** The organisation's last retention runs: when, which cutoff, and what each removed per table. */
export async function retentionRunsOf(services: Services, actor: Extract<Principal, { kind: "user" }>) {
  assertRole(actor, "admin");
  const rows = await services.db
    .select()
    .from(retentionRuns)
    .where(eq(retentionRuns.orgId, actor.orgId))
    .orderBy(desc(retentionRuns.startedAt))
    .limit(30);
  return rows.map((r) => ({
    run_id: r.runId,
    retention_days: r.retentionDays,
    cutoff: r.cutoff,
    removed: r.removed,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
  }));
}
