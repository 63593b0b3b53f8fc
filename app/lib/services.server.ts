import type { AppLoadContext } from "@remix-run/cloudflare";
import { createServices, type RequestMeta, type Services } from "../../workers/services/container";

export function servicesFrom(context: AppLoadContext): Services {
  return createServices(context.cloudflare.env);
}

export function requestMeta(request: Request): RequestMeta {
  return {
    ip: request.headers.get("cf-connecting-ip") ?? request.headers.get("x-real-ip"),
    userAgent: request.headers.get("user-agent"),
  };
}
