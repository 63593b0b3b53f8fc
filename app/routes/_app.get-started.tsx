import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { LiveEvent } from "../../workers/contracts/live";
import { hasRole } from "../../workers/domain/auth/roles";
import { createApiKey } from "../../workers/services/api-keys";
import { ingestBatch } from "../../workers/services/ingest";
import { listServiceHealth } from "../../workers/services/service-health";
import { AgentSnippets } from "../components/agent-snippets";
import { CopyButton } from "../components/copy-button";
import { FormAlert } from "../components/form-controls";
import { LIVE_EVENT } from "../components/live-updates";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Get started · Deployr" }];

/** The service the test event creates: named so nobody mistakes it for their own. */
const TEST_SERVICE = "deployr-test-event";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const list = await listServiceHealth(services, principal.orgId);
  const first = [...list].sort((a, b) => a.first_seen_at - b.first_seen_at)[0] ?? null;
  return {
    canCreateKeys: hasRole(principal.role, "admin"),
    origin: new URL(request.url).origin,
    exampleTime: new Date(services.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    firstService: first ? { name: first.name, firstSeenAt: first.first_seen_at } : null,
    services: list.length,
  };
}

/**
 * Two steps of a new organisation's first minutes: an ingest key (shown once), and a test event
 * that goes through the same pipeline as an agent's (the monitor, the live feed), so the page's
 * "waiting for your first data" turns into a service without any agent set up yet.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "create-key") {
      const created = await createApiKey(
        services,
        principal,
        { name: "first-agent", scopes: ["ingest"] },
        requestMeta(request),
      );
      return data({ ok: true as const, secret: created.key, message: "Key created: copy it now" });
    }
    if (intent === "test-event") {
      if (!hasRole(principal.role, "member"))
        return data({ ok: false as const, formError: "Viewers cannot send data" }, 403);
      const now = services.now();
      await ingestBatch(services, principal.orgId, "metrics", [
        {
          timestamp: now,
          metric_name: "test_event_latency_ms",
          value: 42,
          labels: { service: TEST_SERVICE, environment: "production", source: "get-started" },
        },
      ]);
      await ingestBatch(services, principal.orgId, "logs", [
        {
          timestamp: now,
          level: "info",
          message: "Hello from Deployr's Get started page",
          service: TEST_SERVICE,
          labels: { environment: "production" },
        },
      ]);
      return data({ ok: true as const, message: `Test event sent as the service “${TEST_SERVICE}”` });
    }
    return data({ ok: false as const, formError: "Unknown action" }, 400);
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function GetStarted() {
  const { canCreateKeys, origin, exampleTime, firstService } = useLoaderData<typeof loader>();
  // plain forms: the key is shown, and the test event sent, with or without JavaScript
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const revalidator = useRevalidator();
  // a live re-read clears the action's data: the key stays on the page until it is left
  const fromAction = result && "secret" in result ? String(result.secret) : null;
  const [kept, setKept] = useState<string | null>(fromAction);
  useEffect(() => {
    if (fromAction) setKept(fromAction);
  }, [fromAction]);
  const secret = fromAction ?? kept;

  // the first data of any service ends the wait at once (the layout re-reads on every event too)
  useEffect(() => {
    if (firstService) return;
    const onLive = (event: Event) => {
      const change = (event as CustomEvent<LiveEvent>).detail;
      if (change.topic === "service") revalidator.revalidate();
    };
    window.addEventListener(LIVE_EVENT, onLive);
    return () => window.removeEventListener(LIVE_EVENT, onLive);
  }, [firstService, revalidator]);

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Get started</h1>
          <p className="muted">Three steps from a new organisation to its first watched service.</p>
        </div>
      </div>
      <section className="card" aria-labelledby="step-key">
        <h2 id="step-key">1. An API key for your agents</h2>
        {secret ? (
          <>
            <p className="muted">Shown this once; Deployr keeps only a hash of it.</p>
            <div className="row">
              <code className="secret mono" data-testid="new-key">
                {secret}
              </code>
              <CopyButton text={secret} />
            </div>
          </>
        ) : canCreateKeys ? (
          <Form method="post">
            <input type="hidden" name="intent" value="create-key" />
            <button type="submit" disabled={busy}>
              Create an ingest key
            </button>
          </Form>
        ) : (
          <p className="muted">An admin of your organisation creates the keys (Settings &gt; API keys).</p>
        )}
      </section>
      <section className="card" aria-labelledby="step-agent">
        <h2 id="step-agent">2. Point an agent at Deployr</h2>
        <p className="muted">
          {secret ? "Your new key is filled in." : "Create a key above and it is filled in here."} Any of
          these works: plain JSON, Prometheus, OpenTelemetry, Alertmanager, or a CI step.
        </p>
        <AgentSnippets origin={origin} apiKey={secret ?? "dpl_YOUR_KEY"} exampleTime={exampleTime} />
      </section>
      <section className="card" aria-labelledby="step-data">
        <h2 id="step-data">3. Your first data</h2>
        {firstService ? (
          <p role="status" data-testid="first-data">
            Data is arriving from <strong>{firstService.name}</strong>.{" "}
            <Link to="/control-center">Open the Control Center</Link>
          </p>
        ) : (
          <>
            <p role="status" data-testid="waiting-for-data" aria-live="polite">
              <span className="live-dot" aria-hidden="true" /> Waiting for your first data…
            </p>
            <Form method="post">
              <input type="hidden" name="intent" value="test-event" />
              <button type="submit" className="secondary" disabled={busy}>
                Send a test event
              </button>
            </Form>
          </>
        )}
        <FormAlert
          error={result && "formError" in result ? result.formError : undefined}
          success={result && "message" in result && !secret ? result.message : undefined}
        />
      </section>
    </>
  );
}
