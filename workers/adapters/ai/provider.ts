import type { ChatMessage } from "../../domain/analysis/prompt";

export type ProviderName = "workers_ai" | "ollama";

export interface ProviderAnswer {
  text: string;
  model: string;
  tokensIn: number | null;
  tokensOut: number | null;
}

/** One model behind one interface; the router decides order, retries and fallbacks. */
export interface AiProvider {
  readonly name: ProviderName;
  readonly model: string;
  /** the model's context window in tokens, prompt and answer together */
  readonly contextWindow: number;
  complete(messages: ChatMessage[], signal: AbortSignal): Promise<ProviderAnswer>;
}

/** A failed call; `retryable` says whether the same call may succeed a moment later. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

/** The answer length a provider is asked for (and kept free in the window). */
export const MAX_ANSWER_TOKENS = 1024;
