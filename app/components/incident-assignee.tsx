import { Form } from "@remix-run/react";

/** Who owns the response: the assignee by name, a picker of the organisation's members, "take it". */
export function IncidentAssignee({
  assignee,
  members,
  me,
  canAct,
  busy,
}: {
  assignee: { id: string; name: string } | null;
  members: { id: string; name: string }[];
  me: string;
  canAct: boolean;
  busy: boolean;
}) {
  return (
    <section className="card" data-testid="assignee">
      <h2>Assignee</h2>
      <p data-testid="assignee-name">
        {assignee ? assignee.name : <span className="muted">Nobody yet</span>}
      </p>
      {canAct ? (
        <>
          <Form method="post" className="row">
            <input type="hidden" name="intent" value="assign" />
            <select
              name="user_id"
              aria-label="Assign to"
              defaultValue={assignee?.id ?? ""}
              key={assignee?.id ?? ""}
            >
              <option value="">Nobody</option>
              {members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary" disabled={busy}>
              Assign
            </button>
          </Form>
          {assignee?.id !== me ? (
            <Form method="post">
              <input type="hidden" name="user_id" value={me} />
              <button type="submit" name="intent" value="assign" disabled={busy}>
                Take it
              </button>
            </Form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
