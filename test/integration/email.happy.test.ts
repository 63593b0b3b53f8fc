import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../workers/adapters/db/client";
import { Mailer } from "../../workers/adapters/email/mailer";
import { emailApiBase as apiBase } from "./stand-ins";

function mailer(options: { apiBase?: string; apiKey?: string } = {}) {
  return new Mailer(
    createDb(env.DB),
    { apiBase: options.apiBase ?? apiBase, apiKey: options.apiKey, from: "Deployr <no-reply@deployr.dev>" },
    Date.now,
  );
}

function sendTo(to: string, via = mailer({ apiKey: "re_test_key" })) {
  return via.send({ orgId: null, to, subject: "Hello", body: "Body text", kind: "security" });
}

async function outboxRow(id: string) {
  return env.DB.prepare("SELECT status, provider_id, error FROM email_outbox WHERE id = ?").bind(id).first<{
    status: string;
    provider_id: string | null;
    error: string | null;
  }>();
}

describe("e-mail through a provider speaking Resend's API", () => {
  it("delivers with the Bearer key and records the provider's message id", async () => {
    const to = `ops-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const sent = await sendTo(to);
    expect(sent.status).toBe("sent");
    expect(await outboxRow(sent.id)).toMatchObject({
      status: "sent",
      provider_id: expect.stringMatching(/^re_msg_/),
    });

    const received = (await (await fetch(`${apiBase}/__received`)).json()) as {
      authorization: string;
      body: { from: string; to: string[]; subject: string; text: string };
    }[];
    expect(received.find((r) => r.body.to[0] === to)).toMatchObject({
      authorization: "Bearer re_test_key",
      body: { from: "Deployr <no-reply@deployr.dev>", to: [to], subject: "Hello", text: "Body text" },
    });
  });

  it("keeps the message as failed, with the reason, when the provider errors", async () => {
    const sent = await sendTo("someone@fail.example");
    expect(sent.status).toBe("failed");
    expect(await outboxRow(sent.id)).toMatchObject({ status: "failed", error: "provider answered 500" });
  });

  it("keeps the message as failed when the provider cannot be reached", async () => {
    const sent = await sendTo(
      "a@example.com",
      mailer({ apiBase: "http://127.0.0.1:9", apiKey: "re_test_key" }),
    );
    expect(sent.status).toBe("failed");
    expect((await outboxRow(sent.id))?.status).toBe("failed");
  });

  it("without a provider key keeps the message locally", async () => {
    const sent = await sendTo("a@example.com", mailer());
    expect(sent.status).toBe("local");
    expect((await outboxRow(sent.id))?.status).toBe("local");
  });
});
