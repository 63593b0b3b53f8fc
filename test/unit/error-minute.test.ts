import { describe, expect, it } from "vitest";
import { errorSpikeBy, MIN_ERRORS_FOR_SPIKE } from "../../workers/domain/logs/error-minute";

const quiet = { spike: false };
const alerting = { alert: true, zScore: 6 };

describe("a closed minute's error count", () => {
  it("is a spike by count whenever the count test says so, whatever the detector says", () => {
    expect(errorSpikeBy({ spike: true }, { alert: false, zScore: 0 }, 1)).toBe("count");
    expect(errorSpikeBy({ spike: true }, alerting, 50)).toBe("count");
  });

  it("is a spike by spread only above its baseline and with enough errors: 1 -> 2 is not a spike", () => {
    expect(errorSpikeBy(quiet, alerting, MIN_ERRORS_FOR_SPIKE)).toBe("spread");
    expect(errorSpikeBy(quiet, alerting, MIN_ERRORS_FOR_SPIKE - 1)).toBeNull();
    expect(errorSpikeBy(quiet, alerting, 2)).toBeNull();
  });

  it("is no spike when errors fall below their baseline, or the detector raised no alert", () => {
    expect(errorSpikeBy(quiet, { alert: true, zScore: -6 }, 50)).toBeNull();
    expect(errorSpikeBy(quiet, { alert: false, zScore: 6 }, 50)).toBeNull();
  });
});
