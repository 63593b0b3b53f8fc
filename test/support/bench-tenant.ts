/** JSON of a response, or an error with its status and body: benchmarks stop at the first failure. */
export async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** A new organisation on a running Worker, with an access token and an ingest API key. */
export async function registerBenchTenant(
  base: string,
  label: string,
): Promise<{ token: string; key: string }> {
  const session = await json(
    await fetch(`${base}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: `${label}-${Date.now()}@example.com`,
        password: "throughput-at-the-edge-2026",
        full_name: "Load Runner",
        company: `Bench ${label}`,
      }),
    }),
  );
  const token = session.access_token as string;
  const key = (
    await json(
      await fetch(`${base}/api/keys`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ name: "bench", scopes: ["ingest"] }),
      }),
    )
  ).key as string;
  return { token, key };
}
