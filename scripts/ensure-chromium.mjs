// The dashboard's end-to-end tests drive Debian's chromium with playwright-core (no browser
// download: this machine reaches only the npm registry and Debian's packages). Installs it
// with apt-get when it is missing; CI runs as root on a fresh machine.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (existsSync(CHROMIUM)) process.exit(0);
if (typeof process.getuid === "function" && process.getuid() !== 0) {
  console.error(
    `${CHROMIUM} is missing. Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
console.log("Installing Debian's chromium for the end-to-end tests (apt-get)...");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execSync("apt-get update -qq", { stdio: "inherit", env });
execSync("apt-get install -y -qq --no-install-recommends chromium fonts-liberation", {
  stdio: "inherit",
  env,
});
if (!existsSync(CHROMIUM)) {
  console.error(`apt-get finished but ${CHROMIUM} is still missing`);
  process.exit(1);
}
