/** The dashboard's colour themes; "system" follows the operating system's light or dark setting. */
export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_COOKIE = "theme";
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function parseTheme(value: unknown): Theme | null {
  return THEMES.find((theme) => theme === value) ?? null;
}

/** The theme a Cookie header asks for; "system" when none or an unknown one. */
export function themeFromCookie(cookieHeader: string | null): Theme {
  for (const pair of (cookieHeader ?? "").split(";")) {
    const [name, value] = pair.trim().split("=");
    if (name === THEME_COOKIE) return parseTheme(value) ?? "system";
  }
  return "system";
}

/**
 * The Set-Cookie value that keeps a theme for a year. Read by the server (the root loader) to
 * render <html data-theme>, so a script never has to; HttpOnly because no script needs it.
 */
export function themeCookie(theme: Theme, requestUrl: string): string {
  const secure = new URL(requestUrl).protocol === "https:" ? "; Secure" : "";
  return `${THEME_COOKIE}=${theme}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; SameSite=Lax; HttpOnly${secure}`;
}
