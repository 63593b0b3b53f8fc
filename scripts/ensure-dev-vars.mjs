// `npm start`: create .dev.vars from the example with fresh random secrets, and add any secret a
// newer version needs to an existing .dev.vars (never overwriting what is there).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const target = new URL("../.dev.vars", import.meta.url);
const random = () => randomBytes(32).toString("base64url");
const generated = ["JWT_SECRET", "INTEGRATIONS_KEY"];

if (!existsSync(target)) {
  let text = readFileSync(new URL("../.dev.vars.example", import.meta.url), "utf8");
  for (const name of generated) text = text.replace(new RegExp(`^${name}=.*$`, "m"), `${name}=${random()}`);
  writeFileSync(target, text);
  console.log(`Created .dev.vars with random ${generated.join(" and ")} (git-ignored).`);
} else {
  let text = readFileSync(target, "utf8");
  const missing = generated.filter((name) => !new RegExp(`^${name}=`, "m").test(text));
  if (missing.length > 0) {
    for (const name of missing) text += `${text.endsWith("\n") ? "" : "\n"}${name}=${random()}\n`;
    writeFileSync(target, text);
    console.log(`Added ${missing.join(", ")} to .dev.vars.`);
  }
}
