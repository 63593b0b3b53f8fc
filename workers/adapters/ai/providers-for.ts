import type { AppConfig, Env } from "../../env";
import { OllamaProvider } from "./ollama";
import type { AiProvider } from "./provider";
import { type AiRunner, WorkersAiProvider } from "./workers-ai";

/**
 * The model providers this deployment has, in the organisation's order. Workers AI needs the
 * AI binding (production); Ollama needs OLLAMA_BASE_URL. With neither, the rule base answers.
 */
export function providersFor(
  env: Env,
  config: AppConfig,
  order: "cloud_first" | "local_first",
): AiProvider[] {
  const cloud = env.AI ? [new WorkersAiProvider(env.AI as unknown as AiRunner, config.AI_MODEL)] : [];
  const local = config.OLLAMA_BASE_URL
    ? [new OllamaProvider(config.OLLAMA_BASE_URL, config.OLLAMA_MODEL)]
    : [];
  return order === "local_first" ? [...local, ...cloud] : [...cloud, ...local];
}
