import { Form, Link, useSearchParams } from "@remix-run/react";
import { hrefWith } from "../../lib/search-params";
import { RANGE_PRESETS, type TimeRange, toDateTimeLocal } from "../../lib/time-range";
import { HiddenParams } from "./hidden-params";

/** params the range form must carry along so changing the range keeps the rest of the view */
const KEPT = ["series", "level", "q"] as const;

/** The time range of the page: presets as links, a custom from/to as a GET form, all in the URL. */
export function RangePicker({ range }: { range: TimeRange }) {
  const [params] = useSearchParams();
  return (
    <div className="range-picker" data-testid="range-picker">
      <nav className="segmented" aria-label="Time range">
        {Object.keys(RANGE_PRESETS).map((preset) => (
          <Link
            key={preset}
            to={hrefWith(params, { range: preset, from: null, to: null })}
            className={range.preset === preset ? "active" : ""}
            aria-current={range.preset === preset ? "true" : undefined}
            preventScrollReset
          >
            {preset}
          </Link>
        ))}
      </nav>
      {/* keyed by the range: the inputs' defaults follow a preset picked after them */}
      <Form method="get" className="inline range-custom" preventScrollReset key={`${range.from}-${range.to}`}>
        <input type="hidden" name="range" value="custom" />
        <HiddenParams names={KEPT} />
        <label>
          From (UTC)
          <input type="datetime-local" name="from" defaultValue={toDateTimeLocal(range.from)} required />
        </label>
        <label>
          To (UTC)
          <input type="datetime-local" name="to" defaultValue={toDateTimeLocal(range.to)} required />
        </label>
        <button type="submit" className="secondary">
          Apply range
        </button>
      </Form>
      {range.error ? (
        <p className="field-error" role="alert">
          {range.error} Showing the last hour.
        </p>
      ) : null}
    </div>
  );
}
