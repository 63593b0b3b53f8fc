import { type ActionFunctionArgs, data } from "@remix-run/cloudflare";
import { parseTheme, themeCookie } from "../lib/theme";

/** POST /theme (the sidebar's theme switch): keeps the choice in a cookie the root loader reads. */
export async function action({ request }: ActionFunctionArgs) {
  const theme = parseTheme((await request.formData()).get("theme"));
  if (!theme) return data({ ok: false as const, formError: "Unknown theme" }, 400);
  return data({ ok: true as const, theme }, { headers: { "Set-Cookie": themeCookie(theme, request.url) } });
}
