import type { AppLoadContext } from "@remix-run/cloudflare";
import type { RequestMeta, Services } from "../../workers/services/container";

/**
 * The Worker's services, handed over in the load context. Never createServices() here: this
 * bundle's copy of the module would bring a key cache of its own (see workers/remix-handler.ts).
 */
export function servicesFrom(context: AppLoadContext): Services {
  return context.services;
}

export function requestMeta(request: Request): RequestMeta {
  return {
    ip: request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip"),
    userAgent: request.headers.get("user-agent"),
    origin: new URL(request.url).origin,
  };
}
