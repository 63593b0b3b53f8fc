import { describe, expect, it } from "vitest";
import { ingest, registerAgent } from "./ingest-harness";

describe("ingest tells an impossible date from an old one", () => {
  it("refuses 2026-02-30 as not a date, keeps the valid point of the batch", async () => {
    const agent = await registerAgent();
    const valid = { timestamp: Date.now(), metric_name: "m", value: 1, labels: { service: "dates" } };
    const res = await ingest(agent, "metrics", [valid, { ...valid, timestamp: "2026-02-30T10:00:00Z" }]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    const message = res.body.rejected[0].errors.map((e: { message: string }) => e.message).join(" ");
    expect(message).toMatch(/not a valid date \(2026-02 has 28 days\)/);
    expect(message).not.toMatch(/30 days old/);
  });
});
