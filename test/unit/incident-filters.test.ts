import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FILTERS,
  filtersToSearch,
  type IncidentListFilters,
  PAGE_SIZE,
  parseIncidentFilters,
  RANGES,
  SEVERITIES,
  SORTS,
  STATUS_PRESETS,
  sortLink,
  toBrowse,
} from "../../app/lib/incident-filters";

const parse = (search: string) => parseIncidentFilters(new URLSearchParams(search));

const filters: fc.Arbitrary<IncidentListFilters> = fc.record({
  q: fc.string({ maxLength: 100 }).map((s) => s.trim()),
  service: fc
    .uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,20}$/), { maxLength: 3 })
    .map((s) => [...s].sort()),
  severity: fc.subarray([...SEVERITIES]),
  status: fc.constantFrom(...(Object.keys(STATUS_PRESETS) as (keyof typeof STATUS_PRESETS)[])),
  range: fc.constantFrom(...(Object.keys(RANGES) as (keyof typeof RANGES)[])),
  sort: fc.constantFrom(...SORTS),
  dir: fc.constantFrom("asc" as const, "desc" as const),
  page: fc.integer({ min: 1, max: 1000 }),
});

describe("the incident list's filters in the URL", () => {
  it("reads an empty query as the default list, and writes the default list as nothing", () => {
    expect(parse("")).toEqual(DEFAULT_FILTERS);
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe("");
  });

  it("reads every filter", () => {
    expect(
      parse(
        "q=%20timeout%20&service=payments,api&severity=low&severity=critical&status=resolved&range=24h&sort=severity&dir=asc&page=3",
      ),
    ).toEqual({
      q: "timeout",
      service: ["api", "payments"],
      severity: ["critical", "low"],
      status: "resolved",
      range: "24h",
      sort: "severity",
      dir: "asc",
      page: 3,
    });
  });

  it("falls back to the default for what it does not know, and drops bad service names", () => {
    expect(
      parse("status=closed&range=2y&sort=colour&dir=up&page=-4&severity=urgent&service=a%20b,ok"),
    ).toEqual({
      ...DEFAULT_FILTERS,
      service: ["ok"],
    });
    // the empty values a plain GET form sends
    expect(parse("q=&service=&severity=&status=active&range=all")).toEqual(DEFAULT_FILTERS);
  });

  it("round-trips: what it writes, it reads back the same", () => {
    fc.assert(
      fc.property(filters, (f) => {
        expect(parse(filtersToSearch(f))).toEqual(f);
      }),
    );
  });

  it("never throws on any query, and writing what it read is stable", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("q", "service", "severity", "status", "range", "sort", "dir", "page", "x"),
            fc.string(),
          ),
        ),
        (pairs) => {
          const once = parseIncidentFilters(new URLSearchParams(pairs));
          expect(parse(filtersToSearch(once))).toEqual(once);
        },
      ),
    );
  });

  it("sorts a new column in its natural direction and flips the current one", () => {
    expect(sortLink(DEFAULT_FILTERS, "opened")).toBe("?dir=asc");
    expect(sortLink(DEFAULT_FILTERS, "severity")).toBe("?sort=severity");
    expect(sortLink(DEFAULT_FILTERS, "title")).toBe("?sort=title&dir=asc");
    expect(sortLink({ ...DEFAULT_FILTERS, status: "all", page: 4 }, "service")).toBe(
      "?status=all&sort=service&dir=asc",
    );
  });

  it("turns the range into a start time, the status preset into statuses and the page into an offset", () => {
    const now = 10_000_000_000;
    expect(toBrowse({ ...DEFAULT_FILTERS, range: "1h", page: 3 }, now)).toMatchObject({
      from: now - 3_600_000,
      statuses: ["open", "acknowledged"],
      offset: 2 * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
    expect(toBrowse({ ...DEFAULT_FILTERS, status: "all" }, now)).toMatchObject({
      from: undefined,
      statuses: [],
    });
  });
});
