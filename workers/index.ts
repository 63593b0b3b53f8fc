import type { Env } from "./env";
import { createApp } from "./http/app";
import { handleQueueBatch } from "./jobs/queue-consumer";
import { runScheduled } from "./jobs/scheduled";
import { serveDashboard } from "./remix-handler";

export { LiveHub } from "../durable-objects/live-hub";
export { ServiceMonitor } from "../durable-objects/service-monitor";

const app = createApp(serveDashboard);

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueueBatch(batch, env),
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(runScheduled(controller.cron, env, () => controller.scheduledTime || Date.now()));
  },
} satisfies ExportedHandler<Env>;
