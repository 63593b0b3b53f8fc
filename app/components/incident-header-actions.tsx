import { Form } from "@remix-run/react";

/** Acknowledge, resolve with a note, or re-open: what the incident's status allows. */
export function IncidentHeaderActions({ status, busy }: { status: string; busy: boolean }) {
  return (
    <div className="incident-header-actions">
      {status === "open" ? (
        <Form method="post">
          <button type="submit" name="intent" value="acknowledge" disabled={busy}>
            Acknowledge
          </button>
        </Form>
      ) : null}
      {status === "resolved" ? (
        <Form method="post">
          <button type="submit" name="intent" value="reopen" className="secondary" disabled={busy}>
            Re-open
          </button>
        </Form>
      ) : (
        <Form method="post">
          <input name="note" placeholder="Resolution note" aria-label="Resolution note" maxLength={2000} />
          <button type="submit" name="intent" value="resolve" disabled={busy}>
            Resolve
          </button>
        </Form>
      )}
    </div>
  );
}
