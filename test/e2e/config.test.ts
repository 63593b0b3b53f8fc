import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalServer, listenLocally } from "../support/local-server";
import { launchBrowser } from "./browser";
import { incidentMetrics } from "./incident-data";

const baseUrl = inject("baseUrl");
const run = crypto.randomUUID().slice(0, 8);
const owner = {
  name: "Cora Config",
  company: `Config Corp ${run}`,
  email: `config-${run}@example.com`,
  password: "harbour-lantern-tide-42",
};
const SCREENSHOTS = ".e2e/screenshots";
const SECRET = "e2e-agent-signing-secret-0123456789";

/** The customer's agent: checks Deployr's signature the way the README tells agents to. */
const pings: { event: string; valid: boolean; body: string }[] = [];
let agent: LocalServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const timestamp = String(req.headers["x-deployr-timestamp"] ?? "");
      const signature = Buffer.from(String(req.headers["x-deployr-signature"] ?? ""));
      const expected = Buffer.from(
        `v1=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`,
      );
      const valid = signature.length === expected.length && timingSafeEqual(signature, expected);
      pings.push({ event: String(req.headers["x-deployr-event"] ?? ""), valid, body });
      res.writeHead(valid ? 202 : 401, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  agent = await listenLocally(server, 0, "e2e agent");
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await agent?.close();
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state !== "fail" || !page) return;
  const name = ctx.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  await page.screenshot({ path: `${SCREENSHOTS}/FAILED-config-${name}.png`, fullPage: true }).catch(() => {});
});

/** Accepts the confirm() a destructive form asks, then clicks. */
async function confirmAndClick(button: ReturnType<Page["getByRole"]>) {
  page.once("dialog", (dialog) => void dialog.accept());
  await button.click();
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe("configuration screens in a real browser", () => {
  let runbookPath = "";

  it("signs up a new organisation", async () => {
    await page.goto(`${baseUrl}/signup`);
    await page.getByLabel("Your name").fill(owner.name);
    await page.getByLabel("Company").fill(owner.company);
    await page.getByLabel("Work e-mail").fill(owner.email);
    await page.getByLabel(/^Password/).fill(owner.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/control-center/, { waitUntil: "commit" });
  });

  it("sets up a webhook executor and tests the connection with a signed ping", async () => {
    await page.goto(`${baseUrl}/settings/executors`);
    const webhook = page.getByTestId("executor-webhook");
    await webhook.getByLabel("Agent URL").fill(`${agent.url}/deployr`);
    await webhook.getByLabel(/^Signing secret/).fill(SECRET);
    await webhook.getByRole("button", { name: "Set up" }).click();
    await webhook.getByText("Executor saved").waitFor();
    // write-only: shown as set, never read back into the page
    await webhook.getByText("set", { exact: true }).waitFor();
    expect(await page.content()).not.toContain(SECRET);
    await webhook.getByRole("button", { name: "Test connection" }).click();
    await webhook.getByText(/Connection works/).waitFor();
    expect(pings).toHaveLength(1);
    expect(pings[0]).toMatchObject({ event: "ping", valid: true });
    expect(JSON.parse(pings[0]!.body)).toMatchObject({ type: "ping" });
    await page.screenshot({ path: `${SCREENSHOTS}/config-executors.png`, fullPage: true });
  });

  it("approves an action in the Actions view and the executor set up above carries it to the agent", async () => {
    // an ingest key through the API, with the dashboard's session (a same-origin write)
    const made = await page.request.post(`${baseUrl}/api/keys`, {
      headers: { origin: baseUrl },
      data: { name: "e2e-approve", scopes: ["ingest"] },
    });
    expect(made.status()).toBe(201);
    const key = ((await made.json()) as { key: string }).key;
    const { history, spike, after } = incidentMetrics("ledger", 900);
    for (const body of [history, spike, after]) {
      const res = await fetch(`${baseUrl}/ingest/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    }
    // the analysis proposes actions through the queue: the Actions view lists them as they come
    await page.goto(`${baseUrl}/actions`);
    const pending = page.getByTestId("pending-actions");
    const approve = pending.getByRole("button", { name: "Approve" }).first();
    for (let i = 0; i < 60 && (await pending.getByRole("button", { name: "Approve" }).count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
    }
    // a webhook executor can carry any action: Approve is enabled
    expect(await approve.isEnabled()).toBe(true);
    const before = pings.filter((p) => p.event !== "ping").length;
    await approve.click();
    await expect
      .poll(() => pings.filter((p) => p.event !== "ping").length, { timeout: 15_000 })
      .toBeGreaterThan(before);
    const delivered = pings.filter((p) => p.event !== "ping").at(-1)!;
    expect(delivered.valid).toBe(true);
    expect(JSON.parse(delivered.body)).toMatchObject({ service: "ledger", dry_run: false });
    await page.screenshot({ path: `${SCREENSHOTS}/config-approved.png`, fullPage: true });
  });

  it("creates, edits, toggles and deletes a suppression rule", async () => {
    await page.goto(`${baseUrl}/noise`);
    const create = page.locator("details", { hasText: "New suppression rule" });
    await create.locator("summary").click();
    await create.getByLabel("Name").fill("Nightly batch");
    await create.getByLabel("Metric (glob)").fill("batch_*");
    await create.getByRole("button", { name: "Create rule" }).click();
    await page.getByText("Rule “Nightly batch” saved").waitFor();
    const rule = page.getByTestId("suppression-rule").filter({ hasText: "Nightly batch" });
    await rule.getByText("nothing suppressed yet").waitFor();
    await rule.locator("summary", { hasText: "Edit" }).click();
    await rule.getByLabel("Name").fill("Nightly batch jobs");
    await rule.getByRole("button", { name: "Save rule" }).click();
    await page.getByText("Rule “Nightly batch jobs” saved").waitFor();
    const edited = page.getByTestId("suppression-rule").filter({ hasText: "Nightly batch jobs" });
    await edited.getByRole("button", { name: "Disable" }).click();
    await edited.getByText("disabled", { exact: true }).waitFor();
    await edited.getByRole("button", { name: "Enable" }).click();
    await edited.getByText("enabled", { exact: true }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/config-noise-rule.png`, fullPage: true });
    await confirmAndClick(edited.getByRole("button", { name: "Delete" }));
    await page.getByText("Rule deleted").waitFor();
    // the message is the action's answer; the list follows once the loader has revalidated
    await page.getByTestId("suppression-rule").waitFor({ state: "detached" });
  });

  it("plans, edits, ends and deletes a maintenance window", async () => {
    const create = page.locator("details", { hasText: "New maintenance window" });
    await create.locator("summary").click();
    await create.getByLabel("Reason").fill("Database upgrade");
    await create.getByLabel("Starts (UTC)").fill(utc(Date.now() - 10 * 60_000));
    await create.getByLabel("Ends (UTC)").fill(utc(Date.now() + 2 * 3_600_000));
    await create.getByRole("button", { name: "Create window" }).click();
    await page.getByText("Maintenance window “Database upgrade” saved").waitFor();
    const window = page.getByTestId("maintenance-window").first();
    await window.getByText("under way").waitFor();
    await window.locator("summary", { hasText: "Edit" }).click();
    await window.getByLabel("Reason").fill("Database upgrade, step 2");
    await window.getByRole("button", { name: "Save window" }).click();
    await page.getByText("Maintenance window “Database upgrade, step 2” saved").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/config-noise-window.png`, fullPage: true });
    await confirmAndClick(
      page.getByTestId("maintenance-window").first().getByRole("button", { name: "End now" }),
    );
    await page.getByText("Maintenance window ended").waitFor();
    await page.getByTestId("maintenance-window").first().getByText("over").waitFor();
    await confirmAndClick(
      page.getByTestId("maintenance-window").first().getByRole("button", { name: "Delete" }),
    );
    await page.getByText("Maintenance window deleted").waitFor();
  });

  it("runs a runbook's lifecycle: create, open, edit with a problem by line, disable, dry and real runs, delete", async () => {
    await page.goto(`${baseUrl}/runbooks`);
    await page.getByLabel("Runbook YAML").fill('name: Say hello\nsteps:\n  - notify: "hello"\n');
    await page.getByRole("button", { name: "Save runbook" }).click();
    await page.getByText("Runbook “Say hello” saved").waitFor();
    await page.getByRole("link", { name: "Say hello" }).click();
    await page.waitForURL(/\/runbooks\/rbk_/);
    runbookPath = new URL(page.url()).pathname;
    await page.getByRole("heading", { name: "Say hello" }).waitFor();
    await page.getByLabel("Runbook YAML").fill("name: Say hello\nsteps: 3\n");
    await page.getByRole("button", { name: "Save runbook" }).click();
    await page
      .getByTestId("runbook-problems")
      .getByText(/line 2, column/)
      .waitFor();
    await page
      .getByLabel("Runbook YAML")
      .fill('name: Say hello twice\nsteps:\n  - notify: "one"\n  - notify: "two"\n');
    await page.getByRole("button", { name: "Save runbook" }).click();
    await page.getByText("Runbook “Say hello twice” saved").waitFor();
    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByTestId("runbook-state").getByText("disabled").waitFor();
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByTestId("runbook-state").getByText("enabled").waitFor();
    await page.getByLabel("Service").fill("checkout");
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.getByText(/Dry run succeeded/).waitFor();
    await page.getByRole("button", { name: "Run for real" }).click();
    await page.getByText(/^Run succeeded/).waitFor();
    const runs = page.getByTestId("runbook-run");
    await runs.nth(1).waitFor();
    expect(await runs.count()).toBe(2);
    await runs.filter({ hasText: "real run" }).locator("summary").click();
    await runs.filter({ hasText: "real run" }).getByText("two").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/config-runbook.png`, fullPage: true });
  });

  it("fits a phone's width on every configuration screen", async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ["/noise", "noise"],
      ["/settings/executors", "executors"],
      [runbookPath, "runbook"],
      ["/actions", "actions"],
    ] as const) {
      await phone.goto(`${baseUrl}${path}`);
      await phone.locator(".card").first().waitFor();
      // the cards of these screens never overflow their column (the shell around them is the layout's)
      const overflowing = await phone.$$eval(".card", (cards) =>
        cards.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent?.slice(0, 40)),
      );
      expect(overflowing, path).toEqual([]);
      await phone.screenshot({ path: `${SCREENSHOTS}/config-${name}-390.png`, fullPage: true });
    }
    await phone.close();
  });

  it("deletes the runbook after a confirm", async () => {
    await page.goto(`${baseUrl}${runbookPath}`);
    await confirmAndClick(page.getByRole("button", { name: "Delete runbook" }));
    await page.waitForURL(/\/runbooks$/);
    await page.getByText("No runbooks yet.").waitFor();
  });
});
