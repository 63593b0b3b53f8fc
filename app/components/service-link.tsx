import { Link } from "@remix-run/react";

/** A service's name, wherever it appears, leads to its page (metrics, logs, incidents). */
export function ServiceLink({ name }: { name: string }) {
  return <Link to={`/services/${encodeURIComponent(name)}`}>{name}</Link>;
}
