import type { ChatMessage } from "../../domain/analysis/prompt";
import { type AiProvider, MAX_ANSWER_TOKENS, type ProviderAnswer, ProviderError } from "./provider";

/** The part of the Workers AI binding this uses (https://developers.cloudflare.com/workers-ai/). */
export interface AiRunner {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

/** Text-generation output: `response` is a string, or already an object in JSON mode. */
interface TextGenerationOutput {
  response?: unknown;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export class WorkersAiProvider implements AiProvider {
  readonly name = "workers_ai" as const;

  constructor(
    private readonly ai: AiRunner,
    readonly model: string,
    readonly contextWindow = 8_000,
  ) {}

  async complete(messages: ChatMessage[], signal: AbortSignal): Promise<ProviderAnswer> {
    // The binding takes no AbortSignal: race it against the router's deadline instead.
    const aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(new ProviderError("timed out", true));
      if (signal.aborted) fail();
      else signal.addEventListener("abort", fail, { once: true });
    });
    let output: TextGenerationOutput;
    try {
      output = (await Promise.race([
        this.ai.run(this.model, {
          messages,
          max_tokens: MAX_ANSWER_TOKENS,
          temperature: 0.1,
          response_format: { type: "json_object" },
        }),
        aborted,
      ])) as TextGenerationOutput;
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      // Bad input or an unknown model will not get better by retrying.
      const permanent = /invalid|not found|no such model|unauthori[sz]ed|forbidden|5007|5016/i.test(message);
      throw new ProviderError(`Workers AI: ${message}`, !permanent);
    }
    const response = output?.response;
    const text =
      typeof response === "string" ? response : response !== undefined ? JSON.stringify(response) : "";
    return {
      text,
      model: this.model,
      tokensIn: output?.usage?.prompt_tokens ?? null,
      tokensOut: output?.usage?.completion_tokens ?? null,
    };
  }
}
