/**
 * npm run -s detect -- FILE.csv
 * Prints one anomaly score in [0, 1] per data row of a NAB-style CSV (timestamp,value), using
 * exactly the detector and default configuration the ServiceMonitor Durable Object runs.
 * Streaming: each score uses only the rows up to its own.
 */
import { readFileSync } from "node:fs";
import { parseCsv } from "../test/bench/nab/corpus";
import { createDetectorState, detect } from "../workers/domain/detection/detector";

const file = process.argv[2];
if (!file) {
  console.error("usage: npm run -s detect -- FILE.csv");
  process.exit(2);
}
const state = createDetectorState();
const out: string[] = [];
for (const row of parseCsv(readFileSync(file, "utf8"))) {
  if (!Number.isFinite(row.value) || !Number.isFinite(row.timestamp)) {
    console.error(`skipping a row that is not a finite value with a timestamp: ${JSON.stringify(row)}`);
    out.push("0");
    continue;
  }
  out.push(String(detect(state, row.value, row.timestamp).score));
}
process.stdout.write(`${out.join("\n")}\n`);
