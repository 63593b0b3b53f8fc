/**
 * A body that cannot be decoded: truncated, corrupt, or larger than we accept. The edge answers
 * it with a 400 (the sender must not retry what can never succeed) or a 413 for `too_large`.
 */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly reason: "malformed" | "too_large" = "malformed",
  ) {
    super(message);
    this.name = "DecodeError";
  }
}
