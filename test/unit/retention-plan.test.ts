import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AUDIT_MIN_RETENTION_DAYS,
  nextRetentionCursor,
  RETENTION_TABLES,
  retentionCutoff,
} from "../../workers/domain/billing/retention";

const DAY = 86_400_000;

describe("retention", () => {
  it("cuts history at the plan's days, and the audit log no sooner than its floor", () => {
    expect(retentionCutoff("deployments", 3, 10 * DAY)).toBe(7 * DAY);
    expect(retentionCutoff("audit_log", 3, 100 * DAY)).toBe((100 - AUDIT_MIN_RETENTION_DAYS) * DAY);
    expect(retentionCutoff("audit_log", 120, 200 * DAY)).toBe(80 * DAY);
  });

  it("stays on a table while pages come back full, then walks the monitors, then ends", () => {
    const start = { table: 0, after_service: null };
    expect(nextRetentionCursor(start, { removed: 500, pageSize: 500 })).toEqual(start);
    expect(nextRetentionCursor(start, { removed: 12, pageSize: 500 })).toEqual({
      table: 1,
      after_service: null,
    });
    const monitors = { table: RETENTION_TABLES.length, after_service: null };
    expect(nextRetentionCursor(monitors, { removed: 25, pageSize: 25, lastService: "m" })).toEqual({
      ...monitors,
      after_service: "m",
    });
    expect(nextRetentionCursor(monitors, { removed: 3, pageSize: 25, lastService: "z" })).toBeNull();
  });

  it("ends every run: each table's rows and the services are finite (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2_000 }), {
          minLength: RETENTION_TABLES.length,
          maxLength: RETENTION_TABLES.length,
        }),
        fc.nat({ max: 200 }),
        fc.integer({ min: 1, max: 300 }),
        (rows, services, pageSize) => {
          const left = [...rows];
          let servicesLeft = services;
          let cursor: ReturnType<typeof nextRetentionCursor> = { table: 0, after_service: null };
          let steps = 0;
          while (cursor) {
            steps++;
            if (cursor.table < RETENTION_TABLES.length) {
              const removed = Math.min(pageSize, left[cursor.table]!);
              left[cursor.table]! -= removed;
              cursor = nextRetentionCursor(cursor, { removed, pageSize });
            } else {
              const page = Math.min(pageSize, servicesLeft);
              servicesLeft -= page;
              cursor = nextRetentionCursor(cursor, {
                removed: page,
                pageSize,
                lastService: page ? `s${servicesLeft}` : null,
              });
            }
            expect(steps).toBeLessThan(10_000);
          }
          expect(left.every((n) => n === 0)).toBe(true);
          expect(servicesLeft).toBe(0);
        },
      ),
    );
  });
});
