import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "./browser";
import { incidentMetrics } from "./incident-data";

const baseUrl = inject("baseUrl");
const run = crypto.randomUUID().slice(0, 8);
const owner = {
  name: "Olga Owner",
  company: `E2E Corp ${run}`,
  email: `owner-${run}@example.com`,
  password: "e2e-launch-passphrase",
};
const SCREENSHOTS = ".e2e/screenshots";

let browser: Browser;

/** What any page logged about the Content Security Policy refusing a script, a style or a request. */
const cspViolations: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on("page", (page) =>
      page.on("console", (message) => {
        if (
          message.type() === "error" &&
          /Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())
        )
          cspViolations.push(`${page.url()}: ${message.text()}`);
      }),
    );
    return context;
  };
});
afterAll(async () => {
  await browser?.close();
});

// A failed step leaves a picture of every open page behind, named after the test.
afterEach(async (context) => {
  if (context.task.result?.state !== "fail" || !browser) return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
  let index = 0;
  for (const browserContext of browser.contexts()) {
    for (const page of browserContext.pages()) {
      await page
        .screenshot({ path: `${SCREENSHOTS}/FAILED-${name}-${index++}.png`, fullPage: true })
        .catch(() => {});
    }
  }
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/control-center/, { waitUntil: "commit" });
}

describe("the dashboard in a real browser", () => {
  let ownerPage: Page;
  let inviteLink = "";
  /** the ingest key the owner made in the dashboard */
  let agentKey = "";

  it("signs up a new organisation and lands in the Control Center", async () => {
    ownerPage = await (await browser.newContext()).newPage();
    await ownerPage.goto(`${baseUrl}/`);
    await ownerPage.waitForURL(/\/login/, { waitUntil: "commit" });
    await ownerPage.getByRole("link", { name: "Create an account" }).click();
    await ownerPage.getByLabel("Your name").fill(owner.name);
    await ownerPage.getByLabel("Company").fill(owner.company);
    await ownerPage.getByLabel("Work e-mail").fill(owner.email);
    await ownerPage.getByLabel(/^Password/).fill(owner.password);
    await ownerPage.getByRole("button", { name: "Create account" }).click();
    await ownerPage.waitForURL(/\/control-center/, { waitUntil: "commit" });
    expect(await ownerPage.getByTestId("org-name").textContent()).toBe(owner.company);
    await ownerPage.getByText("14 days of trial left").waitFor();
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/control-center.png`, fullPage: true });
  });

  it("shows a weak-password refusal on the sign-up form without creating anything", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/signup`);
    await page.getByLabel("Your name").fill("Weak Walter");
    await page.getByLabel("Company").fill("Weak Co");
    await page.getByLabel("Work e-mail").fill(`weak-${run}@example.com`);
    await page.getByLabel(/^Password/).fill("password123");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/most common passwords/);
    expect(page.url()).toContain("/signup");
  });

  it("creates an API key whose secret is shown once and works against the API", async () => {
    await ownerPage.getByRole("link", { name: "Settings" }).click();
    await ownerPage.getByRole("link", { name: "API keys" }).click();
    await ownerPage.getByRole("heading", { name: "Create an API key" }).waitFor();
    await ownerPage.getByLabel("Name", { exact: true }).fill("e2e-agent");
    await ownerPage.getByRole("button", { name: "Create key" }).click();
    const secret = (await ownerPage.getByTestId("new-key").textContent())?.trim() ?? "";
    agentKey = secret;
    expect(secret).toMatch(/^dpl_[0-9A-Za-z]{43}$/);
    await ownerPage.getByTestId("key-e2e-agent").waitFor();
    // the snippets carry this Deployr's endpoint and the new key, for each kind of agent
    expect(await ownerPage.getByTestId("snippet-curl").textContent()).toContain(`${baseUrl}/ingest/metrics`);
    await ownerPage.getByRole("tab", { name: "Prometheus" }).click();
    const remoteWrite = (await ownerPage.getByTestId("snippet-prometheus").textContent()) ?? "";
    expect(remoteWrite).toContain(`${baseUrl}/ingest/prometheus/api/v1/write`);
    expect(remoteWrite).toContain(secret);
    await ownerPage.getByRole("tab", { name: "OpenTelemetry" }).click();
    expect(await ownerPage.getByTestId("snippet-otel").textContent()).toContain(
      `OTEL_EXPORTER_OTLP_ENDPOINT=${baseUrl}/ingest/otlp`,
    );
    await ownerPage.getByRole("tab", { name: "Alertmanager" }).click();
    expect(await ownerPage.getByTestId("snippet-alertmanager").textContent()).toContain(
      `${baseUrl}/ingest/alertmanager`,
    );
    await ownerPage.getByRole("tab", { name: "OpenTelemetry" }).click();
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/api-keys.png`, fullPage: true });

    const whoami = await fetch(`${baseUrl}/api/whoami`, { headers: { authorization: `Bearer ${secret}` } });
    expect(whoami.status).toBe(200);
    expect(await whoami.json()).toMatchObject({ kind: "api_key", scopes: ["ingest"] });

    await ownerPage.reload();
    expect(await ownerPage.getByTestId("new-key").count()).toBe(0);

    // The key sends data; the Control Center lists the service it created.
    const ingest = await fetch(`${baseUrl}/ingest/metrics`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({
        timestamp: new Date().toISOString(),
        metric_name: "http_latency_ms",
        value: 120,
        labels: { service: "checkout", environment: "production" },
      }),
    });
    expect(ingest.status).toBe(200);
    await ownerPage.getByRole("link", { name: "Control Center" }).click();
    await ownerPage.getByTestId("service-checkout").waitFor();
    expect(await ownerPage.getByTestId("service-checkout").textContent()).toContain("healthy");
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/control-center-services.png`, fullPage: true });

    // Two hours of normal traffic, then both metrics jump: the incident shows up in the dashboard.
    const { history, spike, after } = incidentMetrics("payments", 900);
    for (const body of [history, spike, after]) {
      const res = await fetch(`${baseUrl}/ingest/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    }
    await ownerPage
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Incidents" })
      .click();
    await ownerPage.getByRole("link", { name: /^payments: / }).click();
    await ownerPage.getByRole("heading", { name: "Anomalies" }).waitFor();
    expect(await ownerPage.getByRole("cell", { name: "latency_ms" }).count()).toBe(1);
    await ownerPage.getByRole("img", { name: /^latency_ms around the anomaly: \d+ points/ }).waitFor();

    // The analysis arrives through the queue within a second or so of its evidence (or the 30 s
    // group wait): reload until it is there.
    const analysis = ownerPage.getByTestId("analysis");
    for (let i = 0; i < 80 && (await analysis.getByText("confidence").count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await ownerPage.reload();
    }
    await analysis.getByRole("heading", { name: "Evidence" }).waitFor();
    await analysis.getByRole("heading", { name: "Customer impact" }).waitFor();
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/incident.png`, fullPage: true });

    // Approve the first action waiting for approval; it moves to the decided list with who did it.
    const actions = ownerPage.getByTestId("actions");
    const pendingBefore = await actions.getByRole("button", { name: "Approve" }).count();
    expect(pendingBefore).toBeGreaterThan(0);
    await actions.getByRole("button", { name: "Approve" }).first().click();
    await ownerPage.getByText("Action approved").waitFor();
    // Once approved it is queued for execution (and fails here: no executor is configured).
    await actions.getByText("via dashboard").waitFor();
    expect(await actions.getByRole("button", { name: "Approve" }).count()).toBe(pendingBefore - 1);

    // Acknowledge, then resolve with a note.
    await ownerPage.getByRole("button", { name: "Acknowledge" }).click();
    // The action's answer may render before the page's data is revalidated: wait for the data.
    await ownerPage.getByTestId("incident-status").filter({ hasText: "acknowledged" }).waitFor();
    await ownerPage.getByLabel("Resolution note").fill("Rolled back the release");
    await ownerPage.getByRole("button", { name: "Resolve" }).click();
    await ownerPage.getByRole("heading", { name: "Resolution" }).waitFor();
    await ownerPage.getByTestId("incident-status").filter({ hasText: "resolved" }).waitFor();
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/incident-resolved.png`, fullPage: true });

    // With no Slack connected, the alert is in the outbox list of Settings > Integrations.
    await ownerPage.goto(`${baseUrl}/settings/integrations`);
    await ownerPage.getByTestId("alerts").getByText("outbox").first().waitFor();
    expect(await ownerPage.getByTestId("slack-status").textContent()).toContain("Not connected");
  });

  it("shows a new incident on an open page without a reload (the live feed)", async () => {
    await ownerPage.goto(`${baseUrl}/incidents`);
    await ownerPage.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    const rows = await ownerPage.locator('[data-testid^="incident-"]').count();
    const { history, spike } = incidentMetrics("inventory", 950);
    for (const body of [history, spike]) {
      const res = await fetch(`${baseUrl}/ingest/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${agentKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
    }
    // no reload, no navigation: the feed tells the page and the page re-reads its loader
    await ownerPage.waitForFunction(
      (before) => document.querySelectorAll('[data-testid^="incident-"]').length > before,
      rows,
      { timeout: 10_000 },
    );
    expect(await ownerPage.locator('[data-testid^="incident-"]', { hasText: "inventory" }).count()).toBe(1);
  });

  it("invites a teammate who accepts and joins the organisation", async () => {
    await ownerPage.goto(`${baseUrl}/settings/team`);
    await ownerPage.getByRole("heading", { name: "Invite someone" }).waitFor();
    await ownerPage.getByLabel("E-mail", { exact: true }).fill(`mia-${run}@example.com`);
    await ownerPage.getByRole("button", { name: "Send invitation" }).click();
    inviteLink = (await ownerPage.getByTestId("invite-link").textContent()) ?? "";
    expect(inviteLink).toContain("/accept-invite?token=inv_");

    const invitee = await (await browser.newContext()).newPage();
    await invitee.goto(inviteLink);
    expect(await invitee.getByRole("heading").first().textContent()).toBe(`Join ${owner.company}`);
    await invitee.getByLabel("Your name").fill("Mia Member");
    await invitee.getByLabel("Password", { exact: true }).fill("harbour-lights-at-dusk");
    await invitee.getByRole("button", { name: /Join/ }).click();
    await invitee.waitForURL(/\/control-center/, { waitUntil: "commit" });
    expect(await invitee.getByTestId("org-name").textContent()).toBe(owner.company);
    await invitee.getByText("Mia Member · member").waitFor();
    await invitee.context().close();
  });

  it("changes the teammate's role and the team page shows it", async () => {
    await ownerPage.goto(`${baseUrl}/settings/team`);
    const row = ownerPage.getByTestId(`member-mia-${run}@example.com`);
    await row.getByLabel("Role").selectOption("viewer");
    await row.getByRole("button", { name: "Change" }).click();
    await ownerPage.getByText("Role changed").waitFor();
    await expect(row.getByLabel("Role").inputValue()).resolves.toBe("viewer");
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/team.png`, fullPage: true });
  });

  it("makes the GitHub webhook's secret, which signs GitHub's deliveries, and maps a repository", async () => {
    await ownerPage.goto(`${baseUrl}/settings`);
    await ownerPage
      .getByRole("navigation", { name: "Settings" })
      .getByRole("link", { name: "GitHub" })
      .click();
    await ownerPage.getByRole("heading", { name: "GitHub webhook" }).waitFor();
    await ownerPage.getByRole("button", { name: "Make secret" }).click();
    const secret = (await ownerPage.getByTestId("github-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^ghwh_[0-9A-Za-z]{43}$/);
    const url = (await ownerPage.getByTestId("github-webhook-url").textContent())?.trim() ?? "";
    expect(url).toMatch(new RegExp(`^${baseUrl}/ingest/github\\?org=org_`));

    // GitHub's ping, signed as GitHub signs it
    const body = JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 });
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const ping = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-hub-signature-256": signature,
      },
      body,
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ ok: true, zen: "Keep it logically awesome." });

    await ownerPage.reload();
    expect(await ownerPage.getByTestId("github-secret").count()).toBe(0);
    expect(await ownerPage.getByTestId("github-secret-status").textContent()).toContain("(ping)");

    await ownerPage.getByLabel("Repository").fill("acme-shop/Checkout");
    await ownerPage.getByLabel("Service", { exact: true }).fill("checkout");
    await ownerPage.getByLabel(/^Deployment workflows/).fill("deploy.yml, Release");
    await ownerPage.getByRole("button", { name: "Save mapping" }).click();
    await ownerPage.getByText("acme-shop/checkout → checkout").waitFor();
    const row = ownerPage.getByTestId("repo-acme-shop/checkout");
    expect(await row.textContent()).toContain("deploy.yml, Release");
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/github.png`, fullPage: true });
  });

  it("navigates every view of the layout", async () => {
    for (const label of ["Incidents", "Actions", "Intelligence", "Autonomous Mode", "Runbooks", "Billing"]) {
      await ownerPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label }).click();
      await ownerPage.getByRole("heading", { level: 1, name: label }).waitFor();
    }
    expect(await ownerPage.getByTestId("plan").textContent()).toBe("trial");
  });

  it("upgrades to Pro through Razorpay Checkout and sees the plan change once the webhook lands", async () => {
    await ownerPage.goto(`${baseUrl}/billing`);
    expect(await ownerPage.getByTestId("plan").textContent()).toBe("trial");
    expect(await ownerPage.getByTestId("usage-services").textContent()).toMatch(/^\d+ of 50$/);
    await ownerPage.getByTestId("plan-pro").getByRole("button", { name: "Upgrade to Pro" }).click();
    // the stand-in's Checkout pays, its handler's answer is verified, then Razorpay's webhooks
    // arrive and the live feed re-reads the page: no reload
    await ownerPage.getByTestId("plan").getByText("pro", { exact: true }).waitFor({ timeout: 15_000 });
    expect(await ownerPage.getByTestId("status").textContent()).toBe("active");
    await ownerPage
      .getByTestId("payments")
      .getByText(/captured/)
      .waitFor();
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/billing.png`, fullPage: true });
  });

  it("saves a runbook after showing its YAML problems by line, and dry-runs it", async () => {
    await ownerPage.goto(`${baseUrl}/runbooks`);
    const editor = ownerPage.getByLabel("Runbook YAML");
    await editor.fill("name: Broken\nsteps:\n  - wait: later\n");
    await ownerPage.getByRole("button", { name: "Save runbook" }).click();
    await ownerPage
      .getByTestId("runbook-problems")
      .getByText(/line 3, column \d+: steps\.0\.wait/)
      .waitFor();
    await editor.fill(
      "name: Restart and verify\nsteps:\n  - action: restart_service\n  - wait: 5m\n  - notify: done\n",
    );
    await ownerPage.getByRole("button", { name: "Save runbook" }).click();
    await ownerPage.getByTestId("runbooks").getByText("Restart and verify").waitFor();
    await ownerPage.getByRole("button", { name: "Dry run" }).click();
    await ownerPage.getByText(/Dry run succeeded: 3 steps walked/).waitFor();
    await ownerPage.screenshot({ path: `${SCREENSHOTS}/runbooks.png`, fullPage: true });
  });

  it("pauses and resumes all automatic execution from Autonomous Mode", async () => {
    await ownerPage.goto(`${baseUrl}/autonomous`);
    await ownerPage.getByRole("button", { name: "Pause all automatic execution" }).click();
    await ownerPage.getByTestId("kill-switch").waitFor();
    await ownerPage.getByRole("button", { name: "Resume automatic execution" }).click();
    await ownerPage.getByRole("button", { name: "Pause all automatic execution" }).waitFor();
    expect(await ownerPage.getByTestId("kill-switch").count()).toBe(0);
  });

  it("signs out and needs to sign in again", async () => {
    await ownerPage.getByRole("button", { name: "Sign out" }).click();
    await ownerPage.waitForURL(/\/login/, { waitUntil: "commit" });
    await ownerPage.goto(`${baseUrl}/control-center`);
    await ownerPage.waitForURL(/\/login\?next=/, { waitUntil: "commit" });
  });

  it("resets a forgotten password through the mailed link", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/forgot-password`);
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByRole("status").waitFor();

    // No e-mail provider in development: the dev mailbox shows what would have been sent, to a
    // signed-in user only (the teammate here: the owner is the one who forgot).
    const mailbox = await (await browser.newContext()).newPage();
    await signIn(mailbox, `mia-${run}@example.com`, "harbour-lights-at-dusk");
    await mailbox.goto(`${baseUrl}/dev/mailbox`);
    const body = (await mailbox.locator("pre").first().textContent()) ?? "";
    await mailbox.context().close();
    const link = body.match(/http\S+reset-password\?token=\S+/)?.[0];
    expect(link).toBeTruthy();
    await page.goto(link!);
    await page.getByLabel("New password").fill("a-fresh-e2e-passphrase");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.waitForURL(/\/login\?reset=1/, { waitUntil: "commit" });
    await signIn(page, owner.email, "a-fresh-e2e-passphrase");
    expect(await page.getByTestId("org-name").textContent()).toBe(owner.company);
  });

  it("refuses a wrong password with a readable error", async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel("E-mail").fill(owner.email);
    await page.getByLabel("Password").fill("definitely-not-it");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toBe("Invalid e-mail or password");
  });

  it("broke the Content Security Policy nowhere: every script ran with its nonce", () => {
    expect(cspViolations).toEqual([]);
  });
});
