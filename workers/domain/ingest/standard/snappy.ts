import { DecodeError } from "./decode-error";

/**
 * Snappy's block format (github.com/google/snappy, format_description.txt), which
 * Prometheus remote_write uses for every request body: a varint of the uncompressed length,
 * then literals and back-references.
 *
 * Written here rather than taken from snappyjs: that decoder neither checks that the output
 * fills the length the header promised nor bounds a back-reference's length, so a truncated or
 * forged body decoded "successfully" into zero-padded bytes. A receiver must refuse those (a
 * 400, never a 2xx for data it did not get). This one checks every bound, refuses an output
 * larger than `maxLength` before allocating it, and is cross-checked against snappyjs's
 * compressor in the unit tests.
 */
export function decodeSnappyBlock(input: Uint8Array, maxLength: number): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new DecodeError("snappy: bad length header");
    const byte = input[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (length > 0xffffffff) throw new DecodeError("snappy: bad length header");
  if (length > maxLength)
    throw new DecodeError(
      `The body decompresses to ${length} bytes, more than the ${maxLength} accepted`,
      "too_large",
    );
  const out = new Uint8Array(length);
  let outPos = 0;
  while (pos < input.length) {
    const tag = input[pos++]!;
    const kind = tag & 0x3;
    if (kind === 0) {
      let literal = (tag >>> 2) + 1;
      if (literal > 60) {
        const bytes = literal - 60;
        if (pos + bytes > input.length) throw new DecodeError("snappy: truncated literal length");
        literal = 0;
        for (let i = 0; i < bytes; i++) literal += input[pos + i]! * 2 ** (8 * i);
        literal += 1;
        pos += bytes;
      }
      if (pos + literal > input.length) throw new DecodeError("snappy: truncated literal");
      if (outPos + literal > length) throw new DecodeError("snappy: literal overruns the stated length");
      out.set(input.subarray(pos, pos + literal), outPos);
      pos += literal;
      outPos += literal;
      continue;
    }
    let copy: number;
    let offset: number;
    if (kind === 1) {
      if (pos + 1 > input.length) throw new DecodeError("snappy: truncated copy");
      copy = ((tag >>> 2) & 0x7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos]!;
      pos += 1;
    } else if (kind === 2) {
      if (pos + 2 > input.length) throw new DecodeError("snappy: truncated copy");
      copy = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > input.length) throw new DecodeError("snappy: truncated copy");
      copy = (tag >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16)) + input[pos + 3]! * 2 ** 24;
      pos += 4;
    }
    if (offset === 0 || offset > outPos) throw new DecodeError("snappy: copy from before the start");
    if (outPos + copy > length) throw new DecodeError("snappy: copy overruns the stated length");
    // overlapping copies (offset < copy) repeat a pattern: byte by byte is the definition
    for (let i = 0; i < copy; i++) out[outPos + i] = out[outPos - offset + i]!;
    outPos += copy;
  }
  if (outPos !== length)
    throw new DecodeError(`snappy: the body holds ${outPos} of the ${length} bytes it announces`);
  return out;
}
