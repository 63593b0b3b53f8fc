import {
  type ActionExecutor,
  type ExecutionRequest,
  type ExecutionResult,
  ExecutorError,
  expectOk,
  type PlannedCall,
  send,
} from "./executor";

/**
 * Cloudflare's cache purge (POST /zones/{zone_id}/purge_cache,
 * https://developers.cloudflare.com/api/resources/cache/methods/purge/): everything, or
 * listed files or prefixes. Answers `{success, errors, result: {id}}`.
 */
export class CloudflareExecutor implements ActionExecutor {
  readonly kind = "cloudflare" as const;

  constructor(
    private readonly config: { apiBase: string; zoneId: string; apiToken: string },
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** GET the zone (https://developers.cloudflare.com/api/resources/zones/methods/get/): the token can see it. */
  async probe(): Promise<ExecutionResult> {
    const url = `${this.config.apiBase.replace(/\/$/, "")}/zones/${encodeURIComponent(this.config.zoneId)}`;
    const calls: PlannedCall[] = [];
    const response = await send(
      this.fetchFn,
      url,
      { method: "GET", headers: { authorization: `Bearer ${this.config.apiToken}` } },
      calls,
    );
    const answer = (await expectOk(response, "Cloudflare", calls)) as {
      success?: boolean;
      result?: { name?: string };
    } | null;
    if (answer?.success !== true)
      throw new ExecutorError("Cloudflare did not confirm the zone", false, calls);
    return { ok: true, summary: `found zone ${answer.result?.name ?? this.config.zoneId}`, calls };
  }

  async execute(request: ExecutionRequest, mode: "live" | "dry_run"): Promise<ExecutionResult> {
    if (request.kind !== "purge_cdn_cache") {
      throw new ExecutorError(`Cloudflare cannot run ${request.kind}`, false);
    }
    const p = request.params as { purge_everything?: boolean; files?: string[]; prefixes?: string[] };
    const payload = p.files?.length
      ? { files: p.files }
      : p.prefixes?.length
        ? { prefixes: p.prefixes }
        : { purge_everything: true };
    const url = `${this.config.apiBase.replace(/\/$/, "")}/zones/${encodeURIComponent(this.config.zoneId)}/purge_cache`;
    const calls: PlannedCall[] = [];
    if (mode === "dry_run") {
      calls.push({ method: "POST", url, body: payload });
      return { ok: true, summary: `would purge ${describe(payload)} on zone ${this.config.zoneId}`, calls };
    }
    const response = await send(
      this.fetchFn,
      url,
      {
        method: "POST",
        headers: { authorization: `Bearer ${this.config.apiToken}`, "content-type": "application/json" },
        body: JSON.stringify(payload),
      },
      calls,
      payload,
    );
    const answer = (await expectOk(response, "Cloudflare", calls)) as {
      success?: boolean;
      errors?: { message: string }[];
      result?: { id?: string };
    };
    if (answer?.success !== true) {
      throw new ExecutorError(
        `Cloudflare refused the purge: ${answer?.errors?.map((e) => e.message).join("; ") ?? "unknown"}`,
        false,
        calls,
      );
    }
    return {
      ok: true,
      summary: `purged ${describe(payload)}`,
      calls,
      details: { purge_id: answer.result?.id },
    };
  }
}

function describe(payload: { files?: string[]; prefixes?: string[]; purge_everything?: boolean }): string {
  if (payload.files) return `${payload.files.length} file(s)`;
  if (payload.prefixes) return `${payload.prefixes.length} prefix(es)`;
  return "everything";
}
