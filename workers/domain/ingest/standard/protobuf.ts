import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { DecodeError } from "./decode-error";

export { WireType };

/**
 * Reads a protobuf message field by field with @bufbuild/protobuf's wire reader (bounds-checked
 * varints, lengths and UTF-8), calling `onField` for each; fields it does not take are skipped,
 * as protobuf requires of unknown fields. Hand-written readers per message, instead of generated
 * code for whole .proto files, keep the Worker's bundle to the few fields we read.
 */
export function readMessage(
  bytes: Uint8Array,
  onField: (field: number, wire: WireType, reader: BinaryReader) => boolean,
): void {
  const reader = new BinaryReader(bytes);
  try {
    while (reader.pos < reader.len) {
      const [field, wire] = reader.tag();
      if (!onField(field, wire, reader)) reader.skip(wire, field);
    }
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`protobuf: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An int64 as a JavaScript number (timestamps in ms fit with room to spare). */
export const int64 = (reader: BinaryReader): number => Number(reader.int64());
export const uint64 = (reader: BinaryReader): number => Number(reader.uint64());

/** A repeated varint field, packed (proto3's default) or not. */
export function readRepeatedVarint(
  wire: WireType,
  reader: BinaryReader,
  read: (r: BinaryReader) => number,
  into: number[],
): void {
  if (wire !== WireType.LengthDelimited) {
    into.push(read(reader));
    return;
  }
  const packed = new BinaryReader(reader.bytes());
  while (packed.pos < packed.len) into.push(read(packed));
}

/** A repeated double field, packed or not. */
export function readRepeatedDouble(wire: WireType, reader: BinaryReader, into: number[]): void {
  if (wire !== WireType.LengthDelimited) {
    into.push(reader.double());
    return;
  }
  const bytes = reader.bytes();
  if (bytes.length % 8 !== 0) throw new DecodeError("protobuf: packed doubles of a wrong length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.length; i += 8) into.push(view.getFloat64(i, true));
}

/** Refuses a field sent with a wire type its schema does not have (a corrupt body, not a new field). */
export function expectWire(wire: WireType, expected: WireType, what: string): void {
  if (wire !== expected)
    throw new DecodeError(`protobuf: ${what} has wire type ${wire}, expected ${expected}`);
}
