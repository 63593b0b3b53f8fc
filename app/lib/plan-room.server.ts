import {
  type CountedLimit,
  countBreach,
  featureBreach,
  type LimitBreach,
} from "../../workers/domain/billing/limits";
import type { Services } from "../../workers/services/container";
import { planInForceOf } from "../../workers/services/plan-in-force";
import { runbooksUsed, seatsUsed } from "../../workers/services/plan-usage";

/**
 * Whether the plan in force has room for one more of a limit, for the dashboard to grey out the
 * form before the API would answer 402: the same check, the same words.
 */
export async function planRoom(
  services: Services,
  orgId: string,
  limit: Extract<CountedLimit, "runbooks" | "seats"> | "autonomousMode",
): Promise<LimitBreach | null> {
  const { plan } = await planInForceOf(services, orgId);
  if (limit === "autonomousMode") return featureBreach(plan, limit);
  const used = limit === "runbooks" ? await runbooksUsed(services, orgId) : await seatsUsed(services, orgId);
  return countBreach(plan, limit, used);
}
