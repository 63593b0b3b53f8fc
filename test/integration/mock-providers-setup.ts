import type { TestProject } from "vitest/node";
import { startMockProviders } from "../support/mock-providers";

declare module "vitest" {
  export interface ProvidedContext {
    providersBase: string;
  }
}

/** Starts the Slack and Ollama stand-ins on the port vitest.config.ts gave the Worker's bindings. */
export default async function setup(project: TestProject) {
  const port = Number(process.env.DEPLOYR_MOCK_PROVIDERS_PORT ?? 0);
  const mock = await startMockProviders(port);
  project.provide("providersBase", mock.url);
  return mock.close;
}
