import { httpFailure, networkFailure } from "../../domain/resilience/outbound-failure";
import { OutboundError, withRetries } from "../retrying";

/** Where an organisation's alerts go: an incoming webhook, or a bot token and a channel. */
export type SlackTarget =
  | { mode: "webhook"; webhookUrl: string }
  | { mode: "bot"; botToken: string; channel: string };

export interface SlackPayload {
  text: string;
  attachments?: unknown[];
  blocks?: unknown[];
  /** for response_url answers: "ephemeral" shows only to the person who clicked */
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
}

/** A Slack answer that says "later": the caller should retry after `retryAfterMs`. */
export class SlackRetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = "SlackRetryLater";
  }
}

/** A refusal that no retry fixes (revoked webhook, archived channel, bad token). */
export class SlackRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SlackRejected";
  }
}

export interface SlackClientOptions {
  apiBase: string;
  fetchFn?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** the longest Retry-After waited for in-process; longer ones go back to the queue */
  maxInlineWaitMs?: number;
}

/**
 * Slack's Web API (chat.postMessage, chat.update, conversations.open) and incoming webhooks. 429 answers are retried
 * after their Retry-After, 5xx and network errors with jittered backoff, through the one retry
 * loop (adapters/retrying.ts); a wait longer than `maxInlineWaitMs` goes back to the queue.
 */
export class SlackClient {
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackClientOptions) {
    this.fetchFn = options.fetchFn ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Posts a message; answers Slack's message id (ts) and channel when the Web API gives them. */
  async post(
    target: SlackTarget,
    payload: SlackPayload,
  ): Promise<{ ts: string | null; channel: string | null }> {
    if (target.mode === "webhook") {
      await this.send(target.webhookUrl, { "content-type": "application/json" }, payload, "webhook");
      return { ts: null, channel: null };
    }
    const body = await this.send(
      `${this.options.apiBase.replace(/\/$/, "")}/chat.postMessage`,
      { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${target.botToken}` },
      { channel: target.channel, ...payload },
      "api",
    );
    return {
      ts: typeof body.ts === "string" ? body.ts : null,
      channel: typeof body.channel === "string" ? body.channel : null,
    };
  }

  /**
   * Sends a direct message from the bot to one Slack user: conversations.open with `users`, then
   * chat.postMessage to the DM channel it answers (the bot needs the im:write scope).
   */
  async sendDirectMessage(botToken: string, slackUserId: string, payload: SlackPayload): Promise<void> {
    const opened = await this.send(
      `${this.options.apiBase.replace(/\/$/, "")}/conversations.open`,
      { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${botToken}` },
      { users: slackUserId },
      "api",
    );
    const channel = (opened.channel as { id?: unknown } | undefined)?.id;
    if (typeof channel !== "string") throw new SlackRejected("Slack did not answer a DM channel");
    await this.post({ mode: "bot", botToken, channel }, payload);
  }

  /** Replaces a message through the response_url of an interaction. */
  async respond(responseUrl: string, payload: SlackPayload): Promise<void> {
    await this.send(
      responseUrl,
      { "content-type": "application/json" },
      { replace_original: true, ...payload },
      "webhook",
    );
  }

  /** Updates a message the bot posted (chat.update). */
  async update(botToken: string, channel: string, ts: string, payload: SlackPayload): Promise<void> {
    await this.send(
      `${this.options.apiBase.replace(/\/$/, "")}/chat.update`,
      { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${botToken}` },
      { channel, ts, ...payload },
      "api",
    );
  }

  private async send(
    url: string,
    headers: Record<string, string>,
    body: unknown,
    style: "webhook" | "api",
  ): Promise<Record<string, unknown>> {
    const once = async (): Promise<Record<string, unknown>> => {
      let response: Response;
      try {
        response = await this.fetchFn(url, { method: "POST", headers, body: JSON.stringify(body) });
      } catch (error) {
        throw new OutboundError(networkFailure(error, "Slack"));
      }
      const text = await response.text();
      if (response.status === 429 || response.status >= 500) {
        const failure = httpFailure(response.status, "Slack", response.headers.get("retry-after"));
        // Slack always says how long to wait when it rate-limits; a second when it does not
        throw new OutboundError(
          response.status === 429 ? { ...failure, retryAfterMs: failure.retryAfterMs ?? 1_000 } : failure,
        );
      }
      if (style === "webhook") {
        if (response.ok) return {};
        throw new SlackRejected(
          `Slack webhook refused the message: ${response.status} ${text.slice(0, 100)}`,
        );
      }
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new SlackRejected(`Slack answered ${response.status} without JSON`);
      }
      if (json.ok === true) return json;
      if (json.error === "ratelimited") throw new SlackRetryLater("rate limited", 30_000);
      throw new SlackRejected(`Slack refused the call: ${String(json.error ?? response.status)}`);
    };
    try {
      return await withRetries(once, {
        policy: { maxInlineWaitMs: this.options.maxInlineWaitMs ?? 10_000 },
        sleep: this.sleep,
        ...(this.options.random ? { random: this.options.random } : {}),
      });
    } catch (error) {
      // Retried as long as it made sense here: what is left is for the queue, after the wait
      if (error instanceof OutboundError)
        throw new SlackRetryLater(error.failure.reason, error.failure.retryAfterMs ?? 30_000);
      throw error;
    }
  }
}
