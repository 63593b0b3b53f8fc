import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";

export const SCREENSHOTS = ".e2e/screenshots";
export const WIDTHS = [
  { name: "1366", viewport: { width: 1366, height: 900 } },
  { name: "390", viewport: { width: 390, height: 844 } },
] as const;

/** Signs a new organisation up through the form; its context holds the session cookies. */
export async function signUpOrganisation(browser: Browser, baseUrl: string, run: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/signup`);
  await page.getByLabel("Your name").fill("Sam Shell");
  await page.getByLabel("Company").fill(`Shell Co ${run}`);
  await page.getByLabel("Work e-mail").fill(`shell-${run}@example.com`);
  await page.getByLabel(/^Password/).fill("harbour-lantern-e2e");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/control-center/, { waitUntil: "commit" });
  await page.getByTestId("org-name").waitFor();
  return { context, page, email: `shell-${run}@example.com`, password: "harbour-lantern-e2e" };
}

/** A signed-in context of `session`'s user, in a theme and a width, its console watched. */
export async function themedContext(
  browser: Browser,
  baseUrl: string,
  session: BrowserContext,
  theme: "light" | "dark",
  viewport: { width: number; height: number },
  consoleErrors: string[],
) {
  const context = await browser.newContext({ storageState: await session.storageState(), viewport });
  await context.addCookies([{ name: "theme", value: theme, url: baseUrl }]);
  watchConsole(context, consoleErrors);
  return context;
}

/** Every console error and uncaught exception (hydration mismatches among them) of `context`'s pages. */
export function watchConsole(context: BrowserContext, errors: string[]) {
  context.on("page", (page) => {
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`${page.url()}: uncaught ${error.message}`));
  });
}

/** Runs axe on the page and fails on any serious or critical violation, listing them all. */
export async function expectAccessible(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const severe = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = severe.map(
    (v) =>
      `${label}: [${v.impact}] ${v.id} ${v.help}\n${v.nodes
        .map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`)
        .join("\n")}`,
  );
  if (report.length > 0) console.log(report.join("\n"));
  expect(report).toEqual([]);
}

/** Nothing may make the page scroll sideways. */
export async function expectNoSidewaysScroll(page: Page, label: string) {
  const { scrollWidth, innerWidth, culprits } = await page.evaluate(() => {
    const width = window.innerWidth;
    // the widest offenders, to say what to fix
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits };
  });
  expect(scrollWidth, `${label} scrolls sideways: ${culprits.join(", ")}`).toBeLessThanOrEqual(innerWidth);
}
