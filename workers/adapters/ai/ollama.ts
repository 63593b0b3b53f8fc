import { Ollama } from "ollama/browser";
import type { ChatMessage } from "../../domain/analysis/prompt";
import { httpFailure, networkFailure } from "../../domain/resilience/outbound-failure";
import { type AiProvider, MAX_ANSWER_TOKENS, type ProviderAnswer, ProviderError } from "./provider";

/** An Ollama server through the official `ollama` client (`/api/chat`, JSON mode, no streaming). */
export class OllamaProvider implements AiProvider {
  readonly name = "ollama" as const;

  constructor(
    private readonly baseUrl: string,
    readonly model: string,
    readonly contextWindow = 8_192,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async complete(messages: ChatMessage[], signal: AbortSignal): Promise<ProviderAnswer> {
    // A client per call: its fetch carries this call's deadline.
    const client = new Ollama({
      host: this.baseUrl,
      fetch: (input, init) => this.fetchFn(input, { ...init, signal }),
    });
    try {
      const response = await client.chat({
        model: this.model,
        messages,
        format: "json",
        stream: false,
        options: { temperature: 0.1, num_predict: MAX_ANSWER_TOKENS, num_ctx: this.contextWindow },
      });
      return {
        text: response.message?.content ?? "",
        model: response.model || this.model,
        tokensIn: response.prompt_eval_count ?? null,
        tokensOut: response.eval_count ?? null,
      };
    } catch (error) {
      if (signal.aborted) throw new ProviderError("timed out", true);
      const status = (error as { status_code?: number }).status_code;
      const message = error instanceof Error ? error.message : String(error);
      // 4xx (unknown model, bad request) will not get better; 5xx and network errors may.
      const failure = status === undefined ? networkFailure(error, "Ollama") : httpFailure(status, "Ollama");
      throw new ProviderError(`Ollama${status ? ` ${status}` : ""}: ${message}`, failure.retryable);
    }
  }
}
