import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskLine } from "../../workers/domain/logs/log-mask";
import {
  DEFAULT_MINER_CONFIG,
  type MinerState,
  type TemplateLevel,
  TemplateMiner,
} from "../../workers/domain/logs/template-miner";

const START = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;

function mine(lines: string[], miner = new TemplateMiner(), level: TemplateLevel = "error") {
  return lines.map((message, i) => miner.observe({ timestamp: START + i * 1000, level, message }).cluster);
}

/** Values of each masked kind, as they appear in real lines. */
const variable = {
  num: fc.integer({ min: 0, max: 1_000_000 }).map(String),
  ipv4: fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join(".")),
  hostPort: fc
    .tuple(fc.constantFrom("db", "redis-main", "kafka-1.internal"), fc.integer({ min: 1, max: 65535 }))
    .map(([h, p]) => `${h}:${p}`),
  uuid: fc.uuid(),
  hex: fc.integer({ min: 0x10000000, max: 0x7fffffff }).map((n) => `0x${n.toString(16)}`),
  duration: fc
    .tuple(fc.integer({ min: 1, max: 99_999 }), fc.constantFrom("ms", "s", "us"))
    .map(([n, u]) => `${n}${u}`),
  path: fc
    .array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), { minLength: 1, maxLength: 4 })
    .map((p) => `/${p.join("/")}`),
  url: fc.webUrl(),
  email: fc.emailAddress().filter((e) => !/["'<>\s]/.test(e)),
  quoted: fc.stringMatching(/^[a-z ]{0,12}$/).map((s) => `"${s}"`),
  id: fc.tuple(fc.constantFrom("pod", "batch", "node"), fc.nat(9999)).map(([p, n]) => `${p}-${n}`),
};
type Kind = keyof typeof variable;
const kinds = Object.keys(variable) as Kind[];
const word = fc.stringMatching(/^[a-zA-Z][a-zA-Z_-]{0,10}$/);

/** A line shape: fixed words and typed slots; filled twice with independent values. */
const shape = fc.array(
  fc.oneof(
    word.map((w) => ({ word: w })),
    fc.constantFrom(...kinds).map((k) => ({ kind: k })),
  ),
  {
    minLength: 1,
    maxLength: 12,
  },
);
function fill(parts: ({ word: string } | { kind: Kind })[]) {
  return fc
    .tuple(...parts.map((p) => ("word" in p ? fc.constant(p.word) : variable[p.kind])))
    .map((t) => t.join(" "));
}

describe("masking", () => {
  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), shape.chain(fill)), (line) => {
        const once = maskLine(line);
        expect(maskLine(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it("masks each kind of variable token", () => {
    expect(maskLine("GET /orders/8812 200 41ms")).toBe("GET <PATH> <NUM> <DURATION>");
    expect(maskLine("connect to 10.0.3.7:5432 failed")).toBe("connect to <IP> failed");
    expect(maskLine("peer [2001:db8::1]:443 reset, also fe80::1")).toBe("peer <IP> reset, also <IP>");
    expect(maskLine("redis-main:6379 down")).toBe("<HOST> down");
    expect(maskLine("see https://status.example.com/x?y=1 now")).toBe("see <URL> now");
    expect(maskLine("mail to ops@example.com bounced")).toBe("mail to <EMAIL> bounced");
    expect(maskLine("request 3f2b8c1e-9d4a-4b7e-8f00-123456789abc done")).toBe("request <UUID> done");
    expect(maskLine('relation "users" does not exist')).toBe("relation <STR> does not exist");
    expect(maskLine("can't open 'cache.db'")).toBe("can't open <STR>");
    expect(maskLine("user_id=123 took=1.5s")).toBe("user_id=<NUM> took=<DURATION>");
    expect(maskLine("commit 9f8e7d6c5b4a")).toBe("commit <HEX>");
    expect(maskLine("pod api-7f9c8d-xk2p restarted (exit 137).")).toBe("pod <ID> restarted (exit <NUM>).");
  });
});

describe("template miner properties", () => {
  it("lines that differ only in masked tokens share a cluster", () => {
    fc.assert(
      fc.property(
        shape.chain((s) => fc.tuple(fill(s), fill(s))),
        ([a, b]) => {
          const [first, second] = mine([a, b]);
          expect(second!.id).toBe(first!.id);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never holds more clusters than its bound, however many distinct lines arrive", () => {
    const config = { ...DEFAULT_MINER_CONFIG, maxClusters: 8, maxChildren: 4 };
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { maxLength: 200 }), (lines) => {
        const miner = new TemplateMiner(undefined, config);
        lines.forEach((words, i) => {
          miner.observe({ timestamp: START + i * 1000, level: "info", message: words.join(" ") });
          expect(miner.size).toBeLessThanOrEqual(8);
        });
        // and what it keeps is the most recently seen
        if (lines.length > 0) expect(miner.match(lines.at(-1)!.join(" "))).not.toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips through JSON and goes on exactly as if it had never stopped", () => {
    fc.assert(
      fc.property(
        fc.array(shape.chain(fill), { minLength: 1, maxLength: 40 }),
        fc.array(shape.chain(fill), { maxLength: 20 }),
        (before, after) => {
          const config = { ...DEFAULT_MINER_CONFIG, maxClusters: 10 };
          const live = new TemplateMiner(undefined, config);
          mine(before, live);
          const state = JSON.parse(JSON.stringify(live.toState())) as MinerState;
          expect(state).toEqual(live.toState());
          const restored = new TemplateMiner(state, config);
          const a = mine(after, live).map((c) => c.id);
          const b = mine(after, restored).map((c) => c.id);
          expect(b).toEqual(a);
          expect(restored.toState()).toEqual(live.toState());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("template miner on lines of real systems", () => {
  const examples: [string, string[], string][] = [
    [
      "nginx upstream errors",
      [
        '2026/01/05 10:00:01 [error] 31#31: *8812 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.7, server: shop.example.com, request: "GET /orders HTTP/1.1", upstream: "http://10.0.1.4:8080/orders"',
        '2026/01/05 10:00:02 [error] 32#32: *9921 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.9, server: shop.example.com, request: "POST /cart HTTP/1.1", upstream: "http://10.0.1.5:8080/cart"',
      ],
      "connect() failed (<NUM>: Connection refused) while connecting to upstream",
    ],
    [
      "Postgres",
      [
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
        "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
      ],
      "FATAL: remaining connection slots",
    ],
    [
      "Postgres deadlock",
      [
        "ERROR:  deadlock detected DETAIL: Process 4812 waits for ShareLock on transaction 99812; blocked by process 4790.",
        "ERROR:  deadlock detected DETAIL: Process 5120 waits for ShareLock on transaction 100233; blocked by process 5001.",
      ],
      "Process <NUM> waits for ShareLock on transaction <NUM>; blocked by process <NUM>.",
    ],
    [
      "Redis",
      [
        "OOM command not allowed when used memory > 'maxmemory'.",
        "OOM command not allowed when used memory > 'maxmemory'.",
      ],
      "OOM command not allowed",
    ],
    [
      "Kafka client",
      [
        "[Producer clientId=producer-1] Connection to node 2 (kafka-2.internal/10.0.4.12:9092) could not be established. Broker may not be available.",
        "[Producer clientId=producer-1] Connection to node 3 (kafka-3.internal/10.0.4.13:9092) could not be established. Broker may not be available.",
      ],
      "Connection to node <NUM>",
    ],
    [
      "JVM stack head",
      [
        'Exception in thread "http-nio-8080-exec-7" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null',
        'Exception in thread "http-nio-8080-exec-12" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null',
      ],
      "Exception in thread <STR> java.lang.NullPointerException",
    ],
    [
      "Go panic",
      [
        "http: panic serving 10.0.0.8:51234: runtime error: invalid memory address or nil pointer dereference",
        "http: panic serving 10.0.0.9:40022: runtime error: invalid memory address or nil pointer dereference",
      ],
      "http: panic serving <IP>: runtime error",
    ],
    [
      "Kubernetes event",
      [
        "Back-off restarting failed container api in pod api-7f9c8d-xk2p_default(5c1e2f3a-0b4d-4e6f-8a9b-0c1d2e3f4a5b)",
        "Back-off restarting failed container api in pod api-6d5b4c-ab12_default(7e1e2f3a-0b4d-4e6f-8a9b-0c1d2e3f4a5b)",
      ],
      "Back-off restarting failed container api in pod",
    ],
  ];

  it.each(examples)("%s: two occurrences share one template", (_, lines, part) => {
    const [a, b] = mine(lines);
    expect(b!.id).toBe(a!.id);
    expect(b!.template).toContain(part);
    expect(b!.count).toBe(2);
  });

  it("keeps different messages of one system apart", () => {
    const clusters = mine([
      "ERROR upstream payments-api returned 503 for order 8812",
      "GET /orders/12 200 41ms",
      "ERROR upstream payments-api returned 503 for order 9911",
      'ERROR: duplicate key value violates unique constraint "orders_pkey"',
      "GET /orders/19 200 38ms",
    ]);
    const ids = clusters.map((c) => c.id);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[4]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
    expect(clusters[0]!.template).toBe("ERROR upstream payments-api returned <NUM> for order <NUM>");
  });

  it("generalises positions that differ into <*>, keeping the cluster's id", () => {
    const [a, b] = mine(["user alice logged in from web", "user bob logged in from web"]);
    expect(b!.id).toBe(a!.id);
    expect(b!.template).toBe("user <*> logged in from web");
  });

  it("keeps per-minute counts split by severity: recent ones only, unless not yet judged", () => {
    const miner = new TemplateMiner();
    for (let m = 0; m < 30; m++)
      for (let i = 0; i < 3; i++)
        miner.observe({
          timestamp: START + m * MINUTE + i,
          level: i === 0 ? "warn" : "info",
          message: `cache miss for key ${m * 10 + i}`,
        });
    for (let m = 0; m < 30; m++)
      miner.observe({ timestamp: START + m * MINUTE, level: "info", message: `GET /health ${m}` });
    const [cache, health] = miner.all();
    expect(cache!.count).toBe(90);
    expect(cache!.level).toBe("warn");
    // warn lines are judged by template-signals.ts: their minutes wait for it
    expect(cache!.minutes).toHaveLength(30);
    expect(cache!.minutes.at(-1)).toEqual([START + 29 * MINUTE, 3, 1]);
    expect(health!.minutes).toHaveLength(DEFAULT_MINER_CONFIG.recentMinutes);
  });
});
