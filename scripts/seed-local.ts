/**
 * Seeds the local D1 database (wrangler's .wrangler/state) with a demo organisation, its owner
 * and an ingest API key, then prints how to sign in. Idempotent: a second run changes nothing
 * but prints the same credentials.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "../workers/auth/password";
import { sha256Hex } from "../workers/auth/tokens";
import { displayPrefix } from "../workers/domain/auth/api-key-format";
import { trialEndsAt } from "../workers/domain/billing/plans";
import { DEMO } from "./demo-fixture";

function sqlString(value: string | null): string {
  return value === null ? "NULL" : `'${value.replace(/'/g, "''")}'`;
}

async function main() {
  const now = Date.now();
  const passwordHash = await hashPassword(DEMO.password);
  const keyHash = await sha256Hex(DEMO.apiKey);
  const statements = [
    `INSERT OR IGNORE INTO organizations (id, name, slug, timezone, created_at) VALUES (${sqlString(DEMO.orgId)}, ${sqlString(DEMO.orgName)}, 'acme-demo', 'UTC', ${now});`,
    `INSERT OR IGNORE INTO users (id, email, full_name, password_hash, password_changed_at, created_at) VALUES (${sqlString(DEMO.userId)}, ${sqlString(DEMO.email)}, ${sqlString(DEMO.fullName)}, ${sqlString(passwordHash)}, ${now}, ${now});`,
    `INSERT OR IGNORE INTO memberships (org_id, user_id, role, created_at) VALUES (${sqlString(DEMO.orgId)}, ${sqlString(DEMO.userId)}, 'owner', ${now});`,
    `INSERT OR IGNORE INTO subscriptions (org_id, plan, status, trial_ends_at, updated_at, created_at) VALUES (${sqlString(DEMO.orgId)}, 'trial', 'trialing', ${trialEndsAt(now)}, ${now}, ${now});`,
    `INSERT OR IGNORE INTO api_keys (id, org_id, name, prefix, key_hash, scopes, created_by, created_at) VALUES ('key_demo', ${sqlString(DEMO.orgId)}, 'demo-agent', ${sqlString(displayPrefix(DEMO.apiKey))}, ${sqlString(keyHash)}, '["ingest","read"]', ${sqlString(DEMO.userId)}, ${now});`,
  ];
  const dir = mkdtempSync(join(tmpdir(), "deployr-seed-"));
  const file = join(dir, "seed.sql");
  writeFileSync(file, statements.join("\n"));
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--file", file], {
    stdio: ["ignore", "ignore", "inherit"],
  });

  const line = "─".repeat(64);
  console.log(`\n${line}\n Deployr demo organisation "${DEMO.orgName}" is ready\n${line}`);
  console.log(` Dashboard   http://localhost:8787`);
  console.log(` E-mail      ${DEMO.email}`);
  console.log(` Password    ${DEMO.password}`);
  console.log(` API key     ${DEMO.apiKey}   (scopes: ingest, read)`);
  console.log(` API docs    http://localhost:8787/docs   Dev mailbox  http://localhost:8787/dev/mailbox`);
  console.log(`${line}\n`);
}

main().catch((error) => {
  console.error("seeding failed:", error);
  process.exit(1);
});
