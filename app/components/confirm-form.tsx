import { Form } from "@remix-run/react";
import type { ReactNode } from "react";

/**
 * A destructive action's form: the browser asks before it is sent. Without JavaScript the
 * post goes straight through, as every dashboard form works without it.
 */
export function ConfirmForm({
  question,
  intent,
  fields,
  label,
  action,
}: {
  question: string;
  intent: string;
  fields: Record<string, string>;
  label: ReactNode;
  action?: string;
}) {
  return (
    <Form
      method="post"
      action={action}
      onSubmit={(event) => {
        if (!window.confirm(question)) event.preventDefault();
      }}
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" name="intent" value={intent} className="danger">
        {label}
      </button>
    </Form>
  );
}
