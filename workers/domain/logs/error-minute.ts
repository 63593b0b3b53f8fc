import type { CountVerdict } from "../detection/count-test";
import type { Detection } from "../detection/detector";

/**
 * When is a closed minute's error count a spike? Two judges look at it: the count test
 * (count-test.ts), for which a burst from a quiet or new service's zero is a spike too, and the
 * detector's spread over the error-rate series, which needs the count above its baseline and at
 * least MIN_ERRORS_FOR_SPIKE errors: 1 -> 2 errors is not a spike. The count test's verdict is
 * preferred when both say so, since it says how unlikely the count is.
 */

/** An error-rate alert by spread needs at least this many errors in the minute. */
export const MIN_ERRORS_FOR_SPIKE = 5;

/** Which judge found the minute a spike ("count" first), or null when neither did. */
export function errorSpikeBy(
  verdict: Pick<CountVerdict, "spike">,
  detection: Pick<Detection, "alert" | "zScore">,
  errors: number,
): "count" | "spread" | null {
  if (verdict.spike) return "count";
  if (detection.alert && detection.zScore > 0 && errors >= MIN_ERRORS_FOR_SPIKE) return "spread";
  return null;
}
