/**
 * A link to the same view with some search params changed: what the range buttons, the series
 * picker and the log filter build on, so each keeps the others' choices. `null` removes a param,
 * an array sets it repeated (`series=a&series=b`).
 * @example hrefWith(new URLSearchParams("range=1h&level=error"), { range: "6h" }) // "?level=error&range=6h"
 */
export function hrefWith(
  params: URLSearchParams,
  changes: Record<string, string | readonly string[] | null | undefined>,
): string {
  const next = new URLSearchParams(params);
  for (const [name, value] of Object.entries(changes)) {
    next.delete(name);
    if (value === null || value === undefined || value === "") continue;
    for (const v of typeof value === "string" ? [value] : value) next.append(name, v);
  }
  const text = next.toString();
  return text ? `?${text}` : "?";
}
