import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { upgradeSubscription } from "../../workers/services/billing";

export type CheckoutResult = Awaited<ReturnType<typeof upgradeSubscription>>;

type ActionData = { ok: true; answer?: CheckoutResult; message?: string } | { ok: false; formError: string };

interface RazorpayHandlerAnswer {
  razorpay_payment_id: string;
  razorpay_subscription_id: string;
  razorpay_signature: string;
}

declare global {
  interface Window {
    Razorpay?: new (options: Record<string, unknown>) => { open(): void };
  }
}

/** Loads Razorpay's Checkout script once per page. */
function loadCheckout(url: string): Promise<void> {
  if (window.Razorpay) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("Razorpay Checkout could not be loaded"));
    document.head.appendChild(script);
  });
}

/** After a verified payment the page re-reads until the webhook has changed the plan. */
const CONFIRM_POLL_MS = 1_500;
const CONFIRM_POLLS = 40;

/**
 * Upgrades through Razorpay Checkout: the action makes (or reuses) the Razorpay subscription and
 * answers Checkout's options; Checkout takes the payment; its handler's answer is verified by
 * the server (the signature) before the page says so. Only Razorpay's webhook changes the plan,
 * so the page then re-reads (and the live feed tells it) until it has.
 */
export function CheckoutButton(props: {
  plan: string;
  label: string;
  checkoutUrl: string;
  disabledReason: string | null;
}) {
  const upgrade = useFetcher<ActionData>();
  const verify = useFetcher<ActionData>();
  const revalidator = useRevalidator();
  const [problem, setProblem] = useState<string | null>(null);
  const opened = useRef<string | null>(null);

  const answer = upgrade.data?.ok ? upgrade.data.answer : undefined;
  useEffect(() => {
    if (!answer || answer.action !== "checkout" || opened.current === answer.subscription_id) return;
    opened.current = answer.subscription_id;
    setProblem(null);
    loadCheckout(props.checkoutUrl)
      .then(() => {
        const Razorpay = window.Razorpay;
        if (!Razorpay) throw new Error("Razorpay Checkout did not start");
        new Razorpay({
          key: answer.key_id,
          subscription_id: answer.subscription_id,
          name: answer.name,
          description: answer.description,
          prefill: answer.prefill,
          notes: answer.notes,
          handler: (response: RazorpayHandlerAnswer) =>
            verify.submit({ intent: "verify", ...response }, { method: "post", action: "/billing" }),
          modal: {
            ondismiss: () => {
              opened.current = null;
              setProblem("Checkout was closed before the payment finished.");
            },
          },
        }).open();
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  }, [answer, props.checkoutUrl, verify]);

  const verified = verify.data?.ok === true;
  useEffect(() => {
    if (!verified) return;
    let polls = 0;
    const timer = setInterval(() => {
      if (++polls > CONFIRM_POLLS) clearInterval(timer);
      else if (revalidator.state === "idle") revalidator.revalidate();
    }, CONFIRM_POLL_MS);
    return () => clearInterval(timer);
  }, [verified, revalidator]);

  const busy = upgrade.state !== "idle" || verify.state !== "idle";
  const failure =
    problem ??
    (upgrade.data && !upgrade.data.ok ? upgrade.data.formError : null) ??
    (verify.data && !verify.data.ok ? verify.data.formError : null);
  return (
    <div>
      <upgrade.Form method="post" action="/billing">
        <input type="hidden" name="intent" value="upgrade" />
        <input type="hidden" name="plan" value={props.plan} />
        <button
          type="submit"
          disabled={busy || props.disabledReason !== null}
          title={props.disabledReason ?? undefined}
        >
          {busy ? "Working…" : props.label}
        </button>
      </upgrade.Form>
      {props.disabledReason ? <p className="muted">{props.disabledReason}</p> : null}
      {answer?.action === "updated" ? (
        <p role="status">Plan change sent to Razorpay: it applies as soon as Razorpay confirms it.</p>
      ) : null}
      {verify.data?.ok && verify.data.message ? (
        <p role="status" data-testid="checkout-status">
          {verify.data.message}
        </p>
      ) : null}
      {failure ? <p className="alert">{failure}</p> : null}
    </div>
  );
}
