import { useSearchParams } from "@remix-run/react";

/**
 * The URL's other choices as hidden fields of a GET form, so submitting one control (the range,
 * the series, the log filter) keeps the rest of the view.
 */
export function HiddenParams({ names }: { names: readonly string[] }) {
  const [params] = useSearchParams();
  return (
    <>
      {names.flatMap((name) =>
        params
          .getAll(name)
          .map((value) => <input key={`${name}=${value}`} type="hidden" name={name} value={value} />),
      )}
    </>
  );
}
