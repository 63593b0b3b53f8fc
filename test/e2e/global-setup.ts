import type { TestProject } from "vitest/node";
import { startWranglerDev } from "../support/wrangler-dev";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** The whole product under wrangler dev for the browser tests, stopped afterwards. */
export default async function setup(project: TestProject) {
  const worker = await startWranglerDev("e2e-state");
  project.provide("baseUrl", worker.baseUrl);
  return () => worker.stop();
}
