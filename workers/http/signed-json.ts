import { API_MAX_JSON_DEPTH, jsonDepth } from "../domain/text/json-depth";
import { parseWellFormedJson } from "../domain/text/well-formed";
import { ApiError } from "../errors";

/**
 * The JSON of a signed webhook's body, read from the exact bytes the signature was checked on
 * (GitHub, Razorpay): these routes skip the body guards that may rewrite the text, so they
 * apply the same limits here, after the signature holds.
 */
export function parseSignedJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new ApiError("malformed_json", "The body is not UTF-8 JSON");
  }
  if (jsonDepth(text) > API_MAX_JSON_DEPTH)
    throw new ApiError("bad_request", `The JSON body is nested deeper than ${API_MAX_JSON_DEPTH} levels`);
  try {
    return parseWellFormedJson(text);
  } catch {
    throw new ApiError("malformed_json", "The body is not valid JSON");
  }
}
