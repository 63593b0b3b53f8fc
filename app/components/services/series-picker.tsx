import { Form } from "@remix-run/react";
import { HiddenParams } from "./hidden-params";

const KEPT = ["range", "from", "to", "level", "q"] as const;

/** Which of the service's series are charted: checkboxes in a GET form, `series=` in the URL. */
export function SeriesPicker({
  series,
  selected,
  max,
}: {
  series: { key: string; label: string }[];
  selected: string[];
  max: number;
}) {
  if (series.length === 0) return null;
  return (
    <details className="series-picker" data-testid="series-picker">
      <summary>
        Series: {selected.length} of {series.length} charted
      </summary>
      <Form method="get" preventScrollReset>
        <HiddenParams names={KEPT} />
        <fieldset className="series-options">
          <legend className="muted">Pick up to {max}</legend>
          {series.map((s) => (
            <label key={s.key} className="check">
              <input type="checkbox" name="series" value={s.key} defaultChecked={selected.includes(s.key)} />
              <span className="mono">{s.label}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="secondary">
          Show series
        </button>
      </Form>
    </details>
  );
}
