// First run of `npm start`: create .dev.vars from the example with a fresh random JWT_SECRET.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const target = new URL("../.dev.vars", import.meta.url);
if (!existsSync(target)) {
  const example = readFileSync(new URL("../.dev.vars.example", import.meta.url), "utf8");
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(target, example.replace(/^JWT_SECRET=.*$/m, `JWT_SECRET=${secret}`));
  console.log("Created .dev.vars with a random JWT_SECRET (git-ignored).");
}
