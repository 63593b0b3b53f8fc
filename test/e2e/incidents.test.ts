import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "./browser";
import { incidentMetrics } from "./incident-data";

const baseUrl = inject("baseUrl");
const run = crypto.randomUUID().slice(0, 8);
const owner = {
  name: "Olga Owner",
  company: `Incident Corp ${run}`,
  email: `incidents-${run}@example.com`,
  password: "e2e-incident-passphrase",
};
const SCREENSHOTS = ".e2e/screenshots";
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

let browser: Browser;
let token = "";

async function call(path: string, init: { method?: string; body?: unknown; bearer?: string } = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      "content-type": "application/json",
      ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signIn(page: Page) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("E-mail").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/control-center/, { waitUntil: "commit" });
}

const rows = (page: Page) => page.locator('[data-testid^="incident-"]');

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  // The organisation, its ingest key and two incidents, made through the API as an agent would.
  const registered = await call("/api/auth/register", {
    body: { email: owner.email, password: owner.password, full_name: owner.name, company: owner.company },
  });
  expect(registered.status).toBe(201);
  token = String(registered.body.access_token);
  const key = await call("/api/keys", { bearer: token, body: { name: "e2e-agent", scopes: ["ingest"] } });
  expect(key.status).toBe(201);
  for (const [service, value] of [
    ["payments", 900],
    ["inventory", 950],
  ] as const) {
    const { history, spike } = incidentMetrics(service, value);
    for (const body of [history, spike]) {
      const res = await call("/ingest/metrics", { bearer: String(key.body.key), body });
      expect(res.status).toBe(200);
    }
  }
  for (let i = 0; i < 100; i++) {
    const list = await call("/api/dashboard/incidents?status=open", { bearer: token });
    if ((list.body.incidents as unknown[]).length >= 2) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the two incidents did not open");
});
afterAll(async () => {
  await browser?.close();
});

afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || !browser) return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  let index = 0;
  for (const browserContext of browser.contexts())
    for (const page of browserContext.pages())
      await page
        .screenshot({ path: `${SCREENSHOTS}/FAILED-incidents-${name}-${index++}.png`, fullPage: true })
        .catch(() => {});
});

describe("the incident list and page in a real browser", () => {
  let page: Page;

  it("keeps the list's filters in the URL, through a reload", async () => {
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await signIn(page);
    await page.goto(`${baseUrl}/incidents`);
    await expect.poll(() => rows(page).count()).toBe(2);

    await page.getByLabel("Service", { exact: true }).selectOption("payments");
    await page.waitForURL(/[?&]service=payments/);
    await expect.poll(() => rows(page).count()).toBe(1);
    await page.getByLabel("Severity", { exact: true }).selectOption("critical");
    await page.waitForURL(/severity=critical/);
    await page.getByLabel("Severity", { exact: true }).selectOption("");
    await page.waitForURL((url) => !url.search.includes("severity"));
    await page.getByLabel("Search").fill("payments");
    await page.waitForURL(/q=payments/);
    await page.reload();
    expect(await page.getByLabel("Service", { exact: true }).inputValue()).toBe("payments");
    expect(await page.getByLabel("Search").inputValue()).toBe("payments");
    expect(await rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain("payments");
    await page.screenshot({ path: `${SCREENSHOTS}/incidents-filtered.png`, fullPage: true });

    await page.getByRole("link", { name: "Clear filters" }).click();
    await page.waitForURL((url) => url.search === "");
    await expect.poll(() => rows(page).count()).toBe(2);
  });

  it("sorts by a column, both ways, in the URL", async () => {
    await page.getByRole("link", { name: "Service", exact: true }).click();
    await page.waitForURL(/sort=service&dir=asc/);
    await expect.poll(() => rows(page).first().textContent()).toContain("inventory");
    await page
      .getByRole("main")
      .getByRole("link", { name: /^Service/ })
      .click();
    await page.waitForURL(/sort=service(?!&dir=asc)/);
    await expect.poll(() => rows(page).first().textContent()).toContain("payments");
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain("Service");
  });

  it("acknowledges the chosen incidents at once", async () => {
    await page.goto(`${baseUrl}/incidents`);
    await page.getByLabel("Choose every open incident on this page").check();
    await page.getByText("2 chosen").waitFor();
    await page.getByRole("button", { name: "Acknowledge chosen" }).click();
    await page.getByText("Acknowledged 2 incidents").waitFor();
    await expect.poll(() => page.locator('[data-status="acknowledged"]').count()).toBe(2);
    await page.screenshot({ path: `${SCREENSHOTS}/incidents-list.png`, fullPage: true });
  });

  it("adds a note that the timeline tells with the author's name, and takes the incident", async () => {
    await page.getByRole("link", { name: /^payments: / }).click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await page.getByTestId("timeline").getByText("Olga Owner acknowledged the incident.").waitFor();
    await page.getByLabel("Note or status update").fill("The pool is at its limit; raising it to 40");
    await page.getByRole("button", { name: "Add to timeline" }).click();
    const timeline = page.getByTestId("timeline");
    await timeline.getByText("Olga Owner added a note.").waitFor();
    await timeline.getByText("The pool is at its limit; raising it to 40").waitFor();

    await page.getByRole("button", { name: "Take it" }).click();
    await page.getByTestId("assignee-name").filter({ hasText: owner.name }).waitFor();
    await timeline.getByText("Olga Owner took the incident.").waitFor();
    await page.getByTestId("error-logs").waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/incidents-detail.png`, fullPage: true });
  });

  it("works on a phone", async () => {
    const phone = await (await browser.newContext({ viewport: PHONE })).newPage();
    await signIn(phone);
    await phone.goto(`${baseUrl}/incidents?status=all&sort=severity`);
    await expect.poll(() => rows(phone).count()).toBe(2);
    await phone.getByLabel("Status", { exact: true }).selectOption("acknowledged");
    await phone.waitForURL(/status=acknowledged/);
    expect(phone.url()).toContain("sort=severity");
    await phone.screenshot({ path: `${SCREENSHOTS}/incidents-list-phone.png`, fullPage: true });
    await phone.getByRole("link", { name: /^payments: / }).click();
    await phone.getByTestId("assignee-name").filter({ hasText: owner.name }).waitFor();
    await phone.screenshot({ path: `${SCREENSHOTS}/incidents-detail-phone.png`, fullPage: true });
    await phone.context().close();
  });
});
