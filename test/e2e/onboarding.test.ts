import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "./browser";
import { incidentMetrics } from "./incident-data";

const baseUrl = inject("baseUrl");
const run = crypto.randomUUID().slice(0, 8);
const SCREENSHOTS = ".e2e/screenshots";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signUp(page: Page) {
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel("Your name").fill("Nina New");
  await page.getByLabel("Company").fill(`Onboard ${run}`);
  await page.getByLabel("Work e-mail").fill(`nina-${run}@example.com`);
  await page.getByLabel(/^Password/).fill("onboarding-passphrase-2026");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/control-center/, { waitUntil: "commit" });
}

const send = (key: string, kind: string, body: unknown) =>
  fetch(`${baseUrl}/ingest/${kind}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("a new organisation's first minutes", () => {
  let page: Page;
  let key = "";

  it("makes a key with the snippets filled in, and the wait for data turns into the first service live", async () => {
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signUp(page);
    await page.goto(`${baseUrl}/get-started`);
    await page.getByTestId("waiting-for-data").waitFor();
    await page.getByRole("button", { name: "Create an ingest key" }).click();
    key = (await page.getByTestId("new-key").textContent())?.trim() ?? "";
    expect(key).toMatch(/^dpl_/);
    expect(await page.getByTestId("snippet-curl").textContent()).toContain(key);
    expect(await page.getByTestId("snippet-curl").textContent()).toContain(`${baseUrl}/ingest/metrics`);
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();

    // the agent's first point: no reload, the page says where data comes from
    const res = await send(key, "metrics", {
      timestamp: new Date().toISOString(),
      metric_name: "http_latency_ms",
      value: 87,
      labels: { service: "storefront", environment: "production" },
    });
    expect(res.status).toBe(200);
    await page.getByTestId("first-data").getByText("storefront").waitFor({ timeout: 10_000 });
    // the key stays on the page (it is not re-read away by the live refresh)
    expect(await page.getByTestId("new-key").textContent()).toContain(key);
    await page.screenshot({ path: `${SCREENSHOTS}/get-started.png`, fullPage: true });
  });

  it("shows a new incident live on two open tabs of the organisation", async () => {
    const context = page.context();
    const second = await context.newPage();
    await page.goto(`${baseUrl}/incidents`);
    await second.goto(`${baseUrl}/control-center`);
    for (const tab of [page, second])
      await tab.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    const { history, spike } = incidentMetrics("storefront", 880);
    for (const body of [history, spike]) expect((await send(key, "metrics", body)).status).toBe(200);
    await page
      .locator('[data-testid^="incident-"]', { hasText: "storefront" })
      .first()
      .waitFor({ timeout: 10_000 });
    // the Control Center's service turns from healthy without a reload
    await second.waitForFunction(
      () => !document.querySelector('[data-testid="service-storefront"]')?.textContent?.includes("healthy"),
      undefined,
      { timeout: 10_000 },
    );
    await second.close();
  });

  it("fits a phone: the Get started page does not scroll sideways at 390 px", async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await phone.goto(`${baseUrl}/login`);
    await phone.getByLabel("E-mail").fill(`nina-${run}@example.com`);
    await phone.getByLabel("Password").fill("onboarding-passphrase-2026");
    await phone.getByRole("button", { name: "Sign in" }).click();
    await phone.waitForURL(/\/control-center/, { waitUntil: "commit" });
    await phone.goto(`${baseUrl}/get-started`);
    await phone.getByTestId("first-data").waitFor();
    await phone.screenshot({ path: `${SCREENSHOTS}/get-started-390.png`, fullPage: true });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // the responsive shell is another change; this page's own content must not be the cause
    const widest = await phone.evaluate(() =>
      Math.max(...[...document.querySelectorAll("main .card")].map((el) => el.scrollWidth - el.clientWidth)),
    );
    expect(widest, `a card overflows by ${widest}px (page by ${overflow}px)`).toBeLessThanOrEqual(0);
  });
});
