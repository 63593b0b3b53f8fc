import { Form } from "@remix-run/react";
import type { InputHTMLAttributes } from "react";

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  error?: string | undefined;
}

export function Field({ label, name, error, ...input }: FieldProps) {
  const errorId = error ? `${name}-error` : undefined;
  return (
    <label>
      {label}
      <input name={name} aria-invalid={error ? true : undefined} aria-describedby={errorId} {...input} />
      {error ? (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      ) : null}
    </label>
  );
}

export function FormAlert({
  error,
  success,
  id,
}: {
  error?: string | undefined;
  success?: string | undefined;
  /** lets a field point at the alert (aria-describedby) when the alert is about it */
  id?: string;
}) {
  if (error)
    return (
      <div className="alert error" role="alert" id={id}>
        {error}
      </div>
    );
  if (success)
    return (
      <div className="alert success" role="status">
        {success}
      </div>
    );
  return null;
}

export function RoleSelect({
  id,
  name,
  defaultValue,
  allowOwner,
}: {
  id?: string;
  name: string;
  defaultValue: string;
  allowOwner: boolean;
}) {
  return (
    <select id={id} name={name} defaultValue={defaultValue} aria-label="Role">
      {allowOwner ? <option value="owner">owner</option> : null}
      <option value="admin">admin</option>
      <option value="member">member</option>
      <option value="viewer">viewer</option>
    </select>
  );
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return "never";
  return `${new Date(ms).toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/** Approve / Reject for something waiting for a person (an action run, a runbook step). */
export function DecisionButtons({
  name,
  value,
  disabled,
}: {
  name: string;
  value: string;
  disabled?: boolean;
}) {
  return (
    <Form method="post" className="row">
      <input type="hidden" name={name} value={value} />
      <button type="submit" name="intent" value="approve" disabled={disabled}>
        Approve
      </button>
      <button type="submit" name="intent" value="reject" className="secondary" disabled={disabled}>
        Reject
      </button>
    </Form>
  );
}
