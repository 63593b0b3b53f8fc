/**
 * Write-only values (an environment's secrets): a patch sets a name to a value, null removes
 * it, and a name the patch leaves out keeps what is stored. The API only ever shows the names.
 */
export function mergeSecrets(
  stored: Record<string, string>,
  patch: Record<string, string | null>,
): Record<string, string> {
  const next = { ...stored };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}

/** The default order of a kind when the team gives none: development before staging before production. */
const KIND_ORDER: Record<string, number> = {
  development: 10,
  dev: 10,
  test: 20,
  qa: 20,
  staging: 30,
  production: 40,
};

export function promotionOrderOf(kind: string, given: number | undefined): number {
  return given ?? KIND_ORDER[kind] ?? 35;
}
