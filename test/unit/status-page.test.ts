import { describe, expect, it } from "vitest";
import {
  componentState,
  dailyUptime,
  publicIncidentTitle,
} from "../../workers/domain/environments/status-page";

describe("what a public status page says", () => {
  it("states a component by its open incidents' severities only", () => {
    expect(componentState([])).toBe("operational");
    expect(componentState(["medium", "high"])).toBe("degraded");
    expect(componentState(["high", "critical"])).toBe("major_outage");
    expect(publicIncidentTitle("api (production)", "critical")).toBe("api (production): major outage");
    expect(publicIncidentTitle("api (production)", "low")).toBe("api (production): degraded performance");
  });

  it("has one bar per day for 90 days, oldest first, null where no check ran", () => {
    const now = Date.UTC(2026, 11, 4, 12);
    const today = Date.UTC(2026, 11, 4);
    const days = dailyUptime(
      [
        [today, 0.995, 0, 1, 1440],
        [today - 2 * 86_400_000, 1, 1, 1, 1440],
      ],
      now,
    );
    expect(days).toHaveLength(90);
    expect(days.at(-1)).toEqual({ day: "2026-12-04", uptime: 99.5 });
    expect(days.at(-2)).toEqual({ day: "2026-12-03", uptime: null });
    expect(days.at(-3)).toEqual({ day: "2026-12-02", uptime: 100 });
    expect(days[0]!.day).toBe("2026-09-06");
  });
});
