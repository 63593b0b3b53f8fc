/** D1 constraint failures arrive wrapped by drizzle ("Failed query: ..."), with SQLite's message on `cause`. */
export function isConstraintError(error: unknown, kind: "UNIQUE" | "FOREIGN KEY"): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? String(error.cause) : "";
  return `${String(error)} ${cause}`.includes(`${kind} constraint failed`);
}
