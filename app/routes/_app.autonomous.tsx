import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { hasRole } from "../../workers/domain/auth/roles";
import { describeAllowedHours } from "../../workers/domain/remediation/allowed-hours";
import type { AutonomyPolicy } from "../../workers/domain/remediation/safety-rails";
import {
  actionsPausedState,
  autonomyPolicy,
  saveAutonomyPolicy,
  setActionsPaused,
} from "../../workers/services/remediation";
import { listServiceHealth } from "../../workers/services/service-health";
import { FormAlert, formatTime } from "../components/form-controls";
import { PlanLimitNote } from "../components/plan-limit-note";
import { requireSessionUser } from "../lib/auth.server";
import { formFailure } from "../lib/forms";
import { planRoom } from "../lib/plan-room.server";
import { requestMeta } from "../lib/services.server";

export const meta: MetaFunction = () => [{ title: "Autonomous Mode · Deployr" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const health = await listServiceHealth(services, principal.orgId);
  const policies = await Promise.all(health.map((s) => autonomyPolicy(services, principal.orgId, s.name)));
  return {
    isAdmin: hasRole(principal.role, "admin"),
    paused: await actionsPausedState(services, principal.orgId),
    services: health.map((s, i) => ({ ...s, policy: policies[i] as AutonomyPolicy })),
    autonomyLimit: await planRoom(services, principal.orgId, "autonomousMode"),
  };
}

const MODES = ["manual", "supervised", "autonomous"] as const;
const HOURS = ["always", "business_hours", "night"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const { principal, services } = await requireSessionUser(request, context);
  const form = await request.formData();
  const meta = requestMeta(request);
  try {
    const intent = String(form.get("intent") ?? "");
    if (intent === "pause" || intent === "resume") {
      await setActionsPaused(services, principal, intent === "pause", meta);
      return data({
        ok: true as const,
        message: intent === "pause" ? "Automatic execution paused" : "Automatic execution resumed",
      });
    }
    const service = String(form.get("service") ?? "");
    const mode = String(form.get("mode") ?? "");
    const hours = String(form.get("hours") ?? "always");
    if (!MODES.includes(mode as never) || !HOURS.includes(hours as never))
      return data({ ok: false as const, formError: "Choose a mode and hours" }, 400);
    const current = await autonomyPolicy(services, principal.orgId, service);
    await saveAutonomyPolicy(
      services,
      principal,
      service,
      {
        ...current,
        mode: mode as AutonomyPolicy["mode"],
        allowedHours: { kind: hours as "always" | "business_hours" | "night" },
      },
      meta,
    );
    return data({ ok: true as const, message: `${service} is ${mode}` });
  } catch (error) {
    const failure = formFailure(error);
    return data(failure, failure.status);
  }
}

export default function Autonomous() {
  const { services, paused, isAdmin, autonomyLimit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Autonomous Mode</h1>
          <p className="muted">
            How much Deployr may do on its own, per service. Autonomous runs only low-risk actions with
            confidence above 80, inside the allowed hours, under the hourly limit and cooldown; everything
            else waits for approval.
          </p>
          <PlanLimitNote breach={autonomyLimit} />
        </div>
        {isAdmin ? (
          <Form method="post">
            <button
              type="submit"
              name="intent"
              value={paused.paused ? "resume" : "pause"}
              className={paused.paused ? "" : "danger"}
            >
              {paused.paused ? "Resume automatic execution" : "Pause all automatic execution"}
            </button>
          </Form>
        ) : null}
      </div>
      <FormAlert
        error={result && "formError" in result ? result.formError : undefined}
        success={result && "message" in result ? result.message : undefined}
      />
      {paused.paused ? (
        <div className="alert error" data-testid="kill-switch">
          Automatic execution is paused since {formatTime(paused.paused_at ?? 0)}: nothing runs on its own.
        </div>
      ) : null}
      {services.length === 0 ? (
        <section className="card empty">
          <h2>No services yet</h2>
          <p>Services register themselves when their first data arrives.</p>
        </section>
      ) : (
        <section className="card">
          <table>
            <thead>
              <tr>
                <th>Service</th>
                <th>Mode</th>
                <th>Allowed hours</th>
                <th>Health</th>
                {isAdmin ? <th /> : null}
              </tr>
            </thead>
            <tbody>
              {services.map((s) => (
                <tr key={s.name} data-testid={`autonomy-${s.name}`}>
                  <td className="mono">
                    <Link to={`/services/${encodeURIComponent(s.name)}`}>{s.name}</Link>
                  </td>
                  <td>
                    <span className="badge">{s.policy.mode}</span>
                    {Object.entries(s.policy.environments).map(([env, mode]) => (
                      <span key={env} className="muted">
                        {" "}
                        {env}: {mode}
                      </span>
                    ))}
                  </td>
                  <td className="muted">{describeAllowedHours(s.policy.allowedHours)}</td>
                  <td>{s.health}</td>
                  {isAdmin ? (
                    <td>
                      <Form method="post" className="row">
                        <input type="hidden" name="service" value={s.name} />
                        <select name="mode" defaultValue={s.policy.mode} aria-label={`Mode of ${s.name}`}>
                          {MODES.map((m) => (
                            // a plan without autonomous mode keeps it visible, not choosable
                            <option key={m} value={m} disabled={m === "autonomous" && autonomyLimit !== null}>
                              {m}
                              {m === "autonomous" && autonomyLimit !== null ? " (not in this plan)" : ""}
                            </option>
                          ))}
                        </select>
                        <select
                          name="hours"
                          defaultValue={
                            s.policy.allowedHours.kind === "custom" ? "always" : s.policy.allowedHours.kind
                          }
                          aria-label={`Allowed hours of ${s.name}`}
                        >
                          <option value="always">any time</option>
                          <option value="business_hours">business hours</option>
                          <option value="night">night</option>
                        </select>
                        <button type="submit">Save</button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
