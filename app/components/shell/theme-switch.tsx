import { useFetcher, useFetchers, useRouteLoaderData } from "@remix-run/react";
import { parseTheme, THEMES, type Theme } from "../../lib/theme";

const LABELS: Record<Theme, string> = { light: "Light", dark: "Dark", system: "System" };

/**
 * The theme in force: the one being saved right now (so the switch answers at once), else the
 * cookie's as the root loader read it.
 */
export function useTheme(): Theme {
  const root = useRouteLoaderData<{ theme: Theme }>("root");
  const saving = useFetchers().find((fetcher) => fetcher.formAction === "/theme" && fetcher.formData);
  return parseTheme(saving?.formData?.get("theme")) ?? root?.theme ?? "system";
}

/** Light, dark or the system's: three toggle buttons posting to /theme. */
export function ThemeSwitch() {
  const fetcher = useFetcher({ key: "theme" });
  const current = useTheme();
  return (
    <fetcher.Form method="post" action="/theme">
      <fieldset className="theme-switch">
        <legend>Theme</legend>
        {THEMES.map((theme) => (
          <button key={theme} type="submit" name="theme" value={theme} aria-pressed={current === theme}>
            {LABELS[theme]}
          </button>
        ))}
      </fieldset>
    </fetcher.Form>
  );
}
