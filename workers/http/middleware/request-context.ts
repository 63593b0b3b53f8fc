import { createMiddleware } from "hono/factory";
import { createServices } from "../../services/container";
import type { AppEnv } from "../types";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

/** Request id (kept from the caller when sane), services and client metadata for every handler. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("meta", {
    ip: c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? null,
    userAgent: c.req.header("user-agent") ?? null,
    origin: new URL(c.req.url).origin,
  });
  c.set("services", createServices(c.env));
  await next();
  c.header("x-request-id", requestId);
});
