import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * One error vocabulary for the whole edge: every failure answers
 * `{ error: { code, message, details?, request_id } }` with the status its code maps to.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  malformed_json: 400,
  malformed_body: 400,
  /** remote_write and OTLP: some samples could not be stored (the rest were); do not retry */
  partial_write: 400,
  unauthorized: 401,
  /** the plan does not include this, or its limit is reached: upgrade to go on */
  plan_limit_reached: 402,
  invalid_credentials: 401,
  token_expired: 401,
  forbidden: 403,
  subscription_inactive: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_in_progress: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** a WebSocket endpoint called without the upgrade */
  upgrade_required: 426,
  validation_failed: 422,
  weak_password: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  /** the payment gateway (Razorpay) refused or failed; its own description is in the message */
  payment_provider_error: 502,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path?: string;
  message: string;
}

export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; retryAfterSeconds?: number } = {},
  ) {
    super(ERROR_STATUS[code], { message });
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string) => new ApiError("not_found", `${what} not found`);
export const forbidden = (message = "You do not have permission to do this") =>
  new ApiError("forbidden", message);
