import { and, desc, eq } from "drizzle-orm";
import { newId } from "../../auth/tokens";
import { emailOutbox } from "../../db/schema";
import { httpFailure, networkFailure } from "../../domain/resilience/outbound-failure";
import type { Database } from "../db/client";
import { OutboundError, withRetries } from "../retrying";

export interface EmailMessage {
  orgId: string | null;
  to: string;
  subject: string;
  body: string;
  kind: "password_reset" | "invitation" | "trial_reminder" | "trial_expired" | "security" | "billing";
}

export interface EmailProviderConfig {
  apiBase: string;
  apiKey: string | undefined;
  from: string;
  /** Print undelivered mail on the console (local development without a provider). */
  logLocal?: boolean;
}

const PROVIDER_TIMEOUT_MS = 5_000;

/**
 * Every message lands in the outbox table first, so nothing is lost and the dashboard can
 * show it. With a provider configured (Resend's API: POST /emails) it is then delivered over
 * HTTPS; without one it stays `local`, which is what development and tests see.
 */
export class Mailer {
  constructor(
    private readonly db: Database,
    private readonly provider: EmailProviderConfig,
    private readonly now: () => number,
    private readonly fetcher: typeof fetch = fetch,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async send(message: EmailMessage): Promise<{ id: string; status: "sent" | "failed" | "local" }> {
    const id = newId("eml");
    const deliver = Boolean(this.provider.apiKey);
    await this.db.insert(emailOutbox).values({
      id,
      orgId: message.orgId,
      toAddress: message.to,
      subject: message.subject,
      body: message.body,
      kind: message.kind,
      status: deliver ? "pending" : "local",
      createdAt: this.now(),
    });
    if (!deliver) {
      if (this.provider.logLocal) {
        console.log(`\n[outbox] to ${message.to}: ${message.subject}\n${message.body}\n`);
      }
      return { id, status: "local" };
    }

    try {
      // 429, 5xx and network failures are tried again (briefly: a person waits for this mail);
      // the outbox id as Idempotency-Key keeps a retry from sending the mail twice
      const response = await withRetries(
        async () => {
          let answer: Response;
          try {
            answer = await this.fetcher(`${this.provider.apiBase.replace(/\/$/, "")}/emails`, {
              method: "POST",
              headers: {
                authorization: `Bearer ${this.provider.apiKey}`,
                "content-type": "application/json",
                "idempotency-key": id,
              },
              body: JSON.stringify({
                from: this.provider.from,
                to: [message.to],
                subject: message.subject,
                text: message.body,
              }),
              signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
            });
          } catch (error) {
            throw new OutboundError(networkFailure(error, "the e-mail provider"));
          }
          if (!answer.ok) {
            await answer.body?.cancel();
            throw new OutboundError(
              httpFailure(answer.status, "provider", answer.headers.get("retry-after")),
            );
          }
          return answer;
        },
        { policy: { maxRetries: 2, maxInlineWaitMs: 2_000 }, sleep: this.sleep },
      );
      const payload = (await response.json().catch(() => ({}))) as { id?: unknown };
      const providerId = typeof payload.id === "string" ? payload.id : null;
      await this.db.update(emailOutbox).set({ status: "sent", providerId }).where(eq(emailOutbox.id, id));
      return { id, status: "sent" };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.db
        .update(emailOutbox)
        .set({ status: "failed", error: reason })
        .where(eq(emailOutbox.id, id));
      return { id, status: "failed" };
    }
  }

  async listForOrg(orgId: string, limit = 50) {
    return this.db
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.orgId, orgId)))
      .orderBy(desc(emailOutbox.createdAt))
      .limit(limit);
  }
}
