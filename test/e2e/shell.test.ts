import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NAVIGATION } from "../../app/components/shell/navigation";
import { launchBrowser } from "./browser";
import {
  expectAccessible,
  expectNoSidewaysScroll,
  SCREENSHOTS,
  signUpOrganisation,
  themedContext,
  WIDTHS,
  watchConsole,
} from "./shell-support";

const baseUrl = inject("baseUrl");
const run = crypto.randomUUID().slice(0, 8);

/** Every view of the navigation, then every Settings tab an owner sees. */
const VIEWS = [
  ...NAVIGATION.map((item) => ({ path: item.to, heading: item.label })),
  ...["team", "integrations", "api-keys", "github", "outbox", "audit"].map((tab) => ({
    path: `/settings/${tab}`,
    heading: "Settings",
  })),
];
const viewName = (path: string) => path.slice(1).replace(/\//g, "-");

let browser: Browser;
let session: { context: BrowserContext; page: Page; email: string; password: string };
/** console errors of every page: none is expected but the ones a test provokes (and filters) */
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  session = await signUpOrganisation(browser, baseUrl, run);
});
afterAll(async () => {
  await browser?.close();
});

describe.each(["light", "dark"] as const)("every view in the %s theme", (theme) => {
  it.each(VIEWS)("$path: accessible, no sideways scroll, at 1366 and 390 px", async ({ path, heading }) => {
    for (const width of WIDTHS) {
      const context = await themedContext(
        browser,
        baseUrl,
        session.context,
        theme,
        width.viewport,
        consoleErrors,
      );
      const page = await context.newPage();
      const response = await page.goto(`${baseUrl}${path}`);
      expect(response?.status()).toBe(200);
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      expect(await page.locator("html").getAttribute("data-theme")).toBe(theme);
      const label = `${path} ${width.name}px ${theme}`;
      await expectNoSidewaysScroll(page, label);
      await expectAccessible(page, label);
      await page.screenshot({
        path: `${SCREENSHOTS}/shell-${viewName(path)}-${width.name}-${theme}.png`,
        fullPage: true,
      });
      await context.close();
    }
  });
});

describe("the shell", () => {
  it("folds the navigation into a menu button at 390 px, opened and closed by mouse and keyboard", async () => {
    const context = await themedContext(
      browser,
      baseUrl,
      session.context,
      "dark",
      WIDTHS[1].viewport,
      consoleErrors,
    );
    const page = await context.newPage();
    await page.goto(`${baseUrl}/control-center`);
    const nav = page.getByRole("navigation", { name: "Main" });
    const button = page.getByRole("button", { name: "Menu" });
    expect(await nav.isVisible()).toBe(false);
    expect(await button.getAttribute("aria-expanded")).toBe("false");
    await button.click();
    await nav.waitFor();
    expect(await page.getByRole("button", { name: "Close menu" }).getAttribute("aria-expanded")).toBe("true");
    await expectAccessible(page, "open menu 390px");
    await page.screenshot({ path: `${SCREENSHOTS}/shell-menu-open-390-dark.png`, fullPage: true });
    // Escape closes it and gives the focus back to the button
    await page.keyboard.press("Escape");
    await nav.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("menu-button");
    // following a link closes it too
    await page.keyboard.press("Enter");
    await nav.getByRole("link", { name: "Incidents" }).click();
    await page.getByRole("heading", { level: 1, name: "Incidents" }).waitFor();
    await nav.waitFor({ state: "hidden" });
    await context.close();
  });

  it("keeps the theme chosen in the sidebar across a reload, in the first paint", async () => {
    const page = session.page;
    await page.goto(`${baseUrl}/control-center`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    // the page answers at once; the cookie is kept when the POST has been answered
    const choose = (name: string) =>
      Promise.all([
        page.waitForResponse((r) => r.url().includes("/theme") && r.request().method() === "POST"),
        page.getByRole("button", { name, exact: true }).click(),
      ]);
    await choose("Dark");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const dark = await background();
    await page.reload();
    expect(await page.locator("html").getAttribute("data-theme")).toBe("dark");
    expect(await page.getByRole("button", { name: "Dark", exact: true }).getAttribute("aria-pressed")).toBe(
      "true",
    );
    await choose("Light");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
    expect(await background()).not.toBe(dark);
    // the server renders the chosen theme: the HTML itself carries it, no script sets it
    const html = await (await page.request.get(`${baseUrl}/control-center`)).text();
    expect(html).toMatch(/<html lang="en" data-theme="light"/);
    await choose("System");
    await page.waitForFunction(() => document.documentElement.dataset.theme === "system");
  });

  it("offers a skip link to the main content as the first stop of the keyboard", async () => {
    const page = session.page;
    await page.goto(`${baseUrl}/incidents`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to main content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  it("shows an unknown address as a 404 inside the shell", async () => {
    const errors: string[] = [];
    const context = await themedContext(
      browser,
      baseUrl,
      session.context,
      "light",
      WIDTHS[0].viewport,
      errors,
    );
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl}/no-such-view/at-all`);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" }).waitFor();
    expect(await page.title()).toBe("Page not found · Deployr");
    await expectAccessible(page, "not found");
    await page.screenshot({ path: `${SCREENSHOTS}/shell-not-found-1366-light.png`, fullPage: true });
    // the document's own 404 is the only error the console may show: no hydration error
    await page.waitForLoadState("networkidle");
    expect(errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    // and a view's own 404 (an incident that does not exist) keeps the shell too
    expect((await page.goto(`${baseUrl}/incidents/inc_nope`))?.status()).toBe(404);
    await page.getByText("There is no such incident.").waitFor();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    await context.close();
  });

  it("shows a failing view's error inside the shell with a retry that brings the view back", async () => {
    const page = session.page;
    await page.goto(`${baseUrl}/settings`);
    // the view's data request fails once, as a broken Worker would answer it
    let fail = true;
    await page.route(/\/settings\/audit\.data/, (route) =>
      fail ? route.fulfill({ status: 500, body: "boom" }) : route.continue(),
    );
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { level: 1, name: "Something went wrong" }).waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runbooks" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/shell-error-1366.png`, fullPage: true });
    fail = false;
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    expect(await page.getByTestId("route-error").count()).toBe(0);
    await page.unroute(/\/settings\/audit\.data/);
  });

  it("asks before revoking a key and reports each result in a toast", async () => {
    const page = session.page;
    await page.goto(`${baseUrl}/settings/api-keys`);
    await page.getByLabel("Name", { exact: true }).fill("shell-key");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.getByTestId("toast").getByText("Key “shell-key” created").waitFor();
    const row = page.getByTestId("key-shell-key");
    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke the key “shell-key”?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await row.count()).toBe(1);
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/shell-confirm-1366.png` });
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await page.getByTestId("toast").getByText("Key revoked").waitFor();
    await row.waitFor({ state: "detached" });
  });

  it("links an invitation to the address the inviter uses (development)", async () => {
    // the same Worker under another name than APP_URL's (127.0.0.1): the link follows the request
    const otherBase = baseUrl.replace("127.0.0.1", "localhost");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${otherBase}/login`);
    await page.getByLabel("E-mail").fill(session.email);
    await page.getByLabel("Password").fill(session.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/control-center/, { waitUntil: "commit" });
    await page.goto(`${otherBase}/settings/team`);
    await page.getByLabel("E-mail", { exact: true }).fill(`guest-${run}@example.com`);
    await page.getByRole("button", { name: "Send invitation" }).click();
    const link = (await page.getByTestId("invite-link").textContent()) ?? "";
    expect(link.startsWith(`${otherBase}/accept-invite?token=inv_`)).toBe(true);
    await context.close();
  });

  it("says a weak password is refused once on the sign-up form", async () => {
    const context = await browser.newContext();
    watchConsole(context, consoleErrors);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/signup`);
    await page.getByLabel("Your name").fill("Weak Wanda");
    await page.getByLabel("Company").fill("Weak Shell Co");
    await page.getByLabel("Work e-mail").fill(`weak-shell-${run}@example.com`);
    await page.getByLabel(/^Password/).fill("password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByText(/most common passwords/).count()).toBe(1);
    expect(await page.getByLabel(/^Password/).getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page, "sign-up refused");
    await context.close();
  });

  it("logged no console error and no hydration error on any view", () => {
    // the sign-up refusal's own 422 is the one error provoked on purpose
    expect(consoleErrors.filter((e) => !/\/signup: .*status of 422/.test(e))).toEqual([]);
  });
});
