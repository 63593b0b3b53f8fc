import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { jsonDepth } from "../../domain/text/json-depth";
import { mayHoldLoneSurrogate, parseWellFormedJson } from "../../domain/text/well-formed";
import { ApiError } from "../../errors";
import type { AppEnv } from "../types";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Refuses bodies over `maxBytes` with 413 before they are read into memory. */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError("payload_too_large", `The request body is larger than ${maxBytes} bytes`);
    },
  });

/**
 * A body that is not JSON is a 415, not an empty object that fails validation for a confusing
 * reason. A JSON body with lone surrogates is handed on with them replaced (well-formed.ts):
 * every reader of the body (validators, handlers) then sees the repaired text.
 */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (METHODS_WITH_BODY.has(c.req.method)) {
    const length = c.req.header("content-length");
    const hasBody =
      (length !== undefined && length !== "0") || c.req.header("transfer-encoding") !== undefined;
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (hasBody && !JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ApiError("unsupported_media_type", "Send the body as application/json");
    }
    if (hasBody) {
      const text = await c.req.text();
      if (mayHoldLoneSurrogate(text)) {
        try {
          const repaired = JSON.stringify(parseWellFormedJson(text));
          // Hono keeps the body's promise in this cache (typed as the value): later reads get this
          (c.req.bodyCache as Record<string, Promise<string>>).text = Promise.resolve(repaired);
        } catch {
          // malformed JSON: left as it is, for the route to refuse with its own message
        }
      }
    }
  }
  await next();
});

/**
 * Refuses a JSON body nested deeper than `maxDepth` (400) before anything parses it. Not for
 * ingest: a batch keeps its valid items, and its free-form fields are checked item by item.
 */
export const limitJsonDepth = (maxDepth: number) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (
      METHODS_WITH_BODY.has(c.req.method) &&
      JSON_MEDIA_TYPE.test((c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "")
    ) {
      const text = await c.req.text();
      if (jsonDepth(text) > maxDepth)
        throw new ApiError("bad_request", `The JSON body is nested deeper than ${maxDepth} levels`);
    }
    await next();
  });

/** `middleware` for every path but those under `prefixes`. */
export const except = (prefixes: string[], middleware: MiddlewareHandler<AppEnv>) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (prefixes.some((prefix) => c.req.path.startsWith(prefix))) return next();
    return middleware(c, next);
  });
