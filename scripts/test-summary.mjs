// Prints one closing line over the three suites (unit, integration, e2e) from vitest's JSON
// reports, in the plain "N passed, N failed" form CI reads.
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of ["unit", "integration", "e2e"]) {
  const file = `.test-results/${suite}.json`;
  if (!existsSync(file)) {
    console.error(`missing ${file}: the ${suite} suite did not report`);
    process.exit(1);
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  console.log(`${suite}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
