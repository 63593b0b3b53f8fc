import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEPLOYMENT_STATUS_ALIASES,
  LOG_LEVEL_ALIASES,
  partitionItems,
} from "../../workers/domain/ingest/items";

const NOW = Date.UTC(2026, 11, 3, 12);
const deployment = (status: unknown) => ({ timestamp: NOW - 1000, service: "api", version: "v1", status });
const log = (level: unknown) => ({ timestamp: NOW - 1000, level, message: "m", service: "api" });

describe("deployment status vocabulary", () => {
  it.each([
    ["success", "succeeded"],
    ["SUCCEEDED", "succeeded"],
    ["completed", "succeeded"],
    ["failure", "failed"],
    ["error", "failed"],
    ["in_progress", "started"],
    ["In Progress", "started"],
    ["queued", "started"],
    ["pending", "started"],
    ["rollback", "rolled_back"],
    ["rolled-back", "rolled_back"],
    ["cancelled", "cancelled"],
    ["inactive", "cancelled"],
  ])("reads %s as %s", (status, expected) => {
    const { accepted } = partitionItems("deployment", [deployment(status)], NOW);
    expect(accepted[0]?.status).toBe(expected);
  });

  it("refuses an unknown status naming the accepted ones", () => {
    const { rejected } = partitionItems("deployment", [deployment("exploded")], NOW);
    expect(rejected[0]?.errors[0]).toMatchObject({ path: "status" });
    expect(rejected[0]?.errors[0]?.message).toMatch(
      /not a known deployment status \(accepted: success, .*inactive/,
    );
  });
});

describe("log level vocabulary", () => {
  it("reads every alias in any case", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(LOG_LEVEL_ALIASES)),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (alias, upper) => {
          const cased = [...alias].map((ch, i) => (upper[i % 12] ? ch.toUpperCase() : ch)).join("");
          const { accepted } = partitionItems("logs", [log(cased)], NOW);
          expect(accepted[0]?.level).toBe(LOG_LEVEL_ALIASES[alias]);
        },
      ),
    );
  });

  it("maps ERR, FATAL, panic and WARNING as their systems mean them", () => {
    const levels = ["ERR", "FATAL", "panic", "WARNING", "Information"].map(
      (l) => partitionItems("logs", [log(l)], NOW).accepted[0]?.level,
    );
    expect(levels).toEqual(["error", "critical", "critical", "warn", "info"]);
  });

  it("refuses an unknown level and a non-string one", () => {
    for (const level of ["loud", 3, "__proto__", "constructor"]) {
      const { rejected } = partitionItems("logs", [log(level)], NOW);
      expect(rejected, String(level)).toHaveLength(1);
    }
    expect(Object.keys(DEPLOYMENT_STATUS_ALIASES)).not.toContain("constructor");
  });
});
