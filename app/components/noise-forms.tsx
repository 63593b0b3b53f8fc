import type { FieldErrors } from "../lib/forms";
import { labelsText, utcInput } from "../lib/noise-form";

const SEVERITIES = ["low", "medium", "high", "critical"] as const;

export interface RuleLike {
  name: string;
  reason: string | null;
  enabled: boolean;
  service: string | null;
  environment: string | null;
  metric: string | null;
  severities: string[] | null;
  labels: Record<string, string>;
  expires_at: number | null;
}

export interface WindowLike {
  service: string | null;
  environment: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
}

function Input({
  label,
  name,
  value,
  errors,
  ...rest
}: {
  label: string;
  name: string;
  value?: string | null | undefined;
  errors?: FieldErrors | undefined;
  placeholder?: string;
  type?: string;
  required?: boolean;
}) {
  const error = errors?.[name];
  return (
    <label>
      {label}
      <input name={name} defaultValue={value ?? ""} aria-invalid={error ? true : undefined} {...rest} />
      {error ? <span className="field-error">{error}</span> : null}
    </label>
  );
}

/** The fields of a suppression rule; globs take `*`, an empty field matches anything. */
export function RuleFields({
  rule,
  errors,
}: {
  rule?: RuleLike | undefined;
  errors?: FieldErrors | undefined;
}) {
  return (
    <div className="noise-fields">
      <Input label="Name" name="name" value={rule?.name} errors={errors} required />
      <Input label="Reason" name="reason" value={rule?.reason} errors={errors} />
      <Input label="Service (glob)" name="service" value={rule?.service} errors={errors} placeholder="any" />
      <Input
        label="Environment (glob)"
        name="environment"
        value={rule?.environment}
        errors={errors}
        placeholder="any"
      />
      <Input label="Metric (glob)" name="metric" value={rule?.metric} errors={errors} placeholder="any" />
      <Input
        label="Labels"
        name="labels"
        value={rule ? labelsText(rule.labels) : ""}
        errors={errors}
        placeholder="team=payments, region=eu-*"
      />
      <Input
        label="Expires (UTC)"
        name="expires_at"
        type="datetime-local"
        value={utcInput(rule?.expires_at)}
        errors={errors}
      />
      <fieldset className="noise-severities">
        <legend>Severities (none: all)</legend>
        {SEVERITIES.map((s) => (
          <label key={s} className="row">
            <input
              type="checkbox"
              name="severities"
              value={s}
              defaultChecked={rule?.severities?.includes(s)}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <label className="row">
        <input type="checkbox" name="enabled" defaultChecked={rule?.enabled ?? true} />
        Enabled
      </label>
    </div>
  );
}

export function WindowFields({
  window,
  errors,
}: {
  window?: WindowLike | undefined;
  errors?: FieldErrors | undefined;
}) {
  return (
    <div className="noise-fields">
      <Input label="Reason" name="reason" value={window?.reason} errors={errors} required />
      <Input label="Service" name="service" value={window?.service} errors={errors} placeholder="all" />
      <Input
        label="Environment"
        name="environment"
        value={window?.environment}
        errors={errors}
        placeholder="all"
      />
      <Input
        label="Starts (UTC)"
        name="starts_at"
        type="datetime-local"
        value={utcInput(window?.starts_at)}
        errors={errors}
        required
      />
      <Input
        label="Ends (UTC)"
        name="ends_at"
        type="datetime-local"
        value={utcInput(window?.ends_at)}
        errors={errors}
        required
      />
    </div>
  );
}
