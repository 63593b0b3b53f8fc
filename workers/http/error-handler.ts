import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, type ErrorCode, type ErrorDetail } from "../errors";
import type { AppEnv } from "./types";

function body(c: Context<AppEnv>, code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return {
    error: {
      code,
      message,
      ...(details && details.length > 0 ? { details } : {}),
      request_id: c.get("requestId") ?? null,
    },
  };
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: "malformed_json",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

/** The one place errors become responses: known errors keep their status; anything else is a logged 500. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
    return c.json(body(c, error.code, error.message, error.details), error.status);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = STATUS_CODES[error.status] ?? "bad_request";
    return c.json(body(c, code, error.message || "Bad request"), error.status);
  }
  console.error(`[${c.get("requestId") ?? "-"}] unhandled error on ${c.req.method} ${c.req.path}:`, error);
  return c.json(body(c, "internal_error", "Something went wrong on our side; it has been logged"), 500);
}

export function notFoundJson(c: Context<AppEnv>): Response {
  return c.json(body(c, "not_found", `No route for ${c.req.method} ${c.req.path}`), 404);
}
