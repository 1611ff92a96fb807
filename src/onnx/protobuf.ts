/**
 * The protobuf wire format, just enough for ONNX files: varints, 32/64-bit fixed fields and
 * length-delimited bytes. Hand-written because the model reader runs in production (`edgecam model
 * inspect`, the runtime's checks) and protobufjs is only a development dependency.
 * Spec: https://protobuf.dev/programming-guides/encoding/
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** One field as read from the wire: a number for varints and fixed fields, a view for bytes. */
export interface ProtoField {
  readonly field: number;
  readonly wire: number;
  /** Varint (int64 as a JS number; negative values come back negative), fixed32 bits or fixed64 as float64. */
  readonly num: number;
  /** Length-delimited payload: a view into the input, not a copy. */
  readonly bytes: Uint8Array;
  /** The whole field (tag included), for passing unknown fields through unchanged. */
  readonly raw: Uint8Array;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** Reads a varint at `pos`; returns [value, next position]. int64 values above 2^63 come back negative. */
function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  // Up to 7 bytes (49 bits) fit a float exactly; longer ones (negative int64s are 10 bytes) go through BigInt.
  for (let i = 0; i < 7; i++) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  let big = BigInt(value);
  let shift = 49n;
  for (let i = 7; i < 10; i++) {
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const b = buf[pos++]!;
    big |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [Number(BigInt.asIntN(64, big)), pos];
    shift += 7n;
  }
  throw new RangeError('varint longer than 10 bytes');
}

/**
 * Iterates over the fields of one message. Throws a RangeError on a truncated or malformed buffer.
 * @example for (const f of readFields(bytes)) if (f.field === 1) name = decodeString(f.bytes);
 */
export function* readFields(buf: Uint8Array): Generator<ProtoField> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let num = 0;
    let bytes = EMPTY;
    if (wire === WIRE_VARINT) {
      [num, pos] = readVarint(buf, pos);
    } else if (wire === WIRE_FIXED64) {
      if (pos + 8 > buf.length) throw new RangeError('truncated fixed64');
      num = view.getFloat64(pos, true);
      pos += 8;
    } else if (wire === WIRE_FIXED32) {
      if (pos + 4 > buf.length) throw new RangeError('truncated fixed32');
      num = view.getUint32(pos, true);
      pos += 4;
    } else if (wire === WIRE_BYTES) {
      let len: number;
      [len, pos] = readVarint(buf, pos);
      if (len < 0 || pos + len > buf.length) throw new RangeError(`field ${field} runs past the end`);
      bytes = buf.subarray(pos, pos + len);
      pos += len;
    } else {
      throw new RangeError(`unsupported wire type ${wire} for field ${field}`);
    }
    if (field === 0) throw new RangeError('field number 0');
    yield { field, wire, num, bytes, raw: buf.subarray(start, pos) };
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/** UTF-8 bytes to a string. */
export function decodeString(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** A fixed32 field's bits as a float32. */
export function bitsToFloat(bits: number): number {
  const scratch = new DataView(new ArrayBuffer(4));
  scratch.setUint32(0, bits, true);
  return scratch.getFloat32(0, true);
}

/** A repeated varint field, packed (one bytes field) or not (one varint per field). */
export function readPackedVarints(f: ProtoField, into: number[]): void {
  if (f.wire === WIRE_VARINT) {
    into.push(f.num);
    return;
  }
  let pos = 0;
  while (pos < f.bytes.length) {
    const [v, next] = readVarint(f.bytes, pos);
    into.push(v);
    pos = next;
  }
}

/** A repeated float field, packed or not. */
export function readPackedFloats(f: ProtoField, into: number[]): void {
  if (f.wire === WIRE_FIXED32) {
    into.push(bitsToFloat(f.num));
    return;
  }
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  for (let pos = 0; pos + 4 <= f.bytes.length; pos += 4) into.push(view.getFloat32(pos, true));
}

/** A repeated double field, packed or not. */
export function readPackedDoubles(f: ProtoField, into: number[]): void {
  if (f.wire === WIRE_FIXED64) {
    into.push(f.num);
    return;
  }
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  for (let pos = 0; pos + 8 <= f.bytes.length; pos += 8) into.push(view.getFloat64(pos, true));
}

/**
 * Builds one message field by field; nested messages are written by a child writer.
 * @example const w = new ProtoWriter(); w.string(1, 'name'); w.varint(2, 7); const bytes = w.finish();
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  private tag(field: number, wire: number): void {
    this.pushVarint(field * 8 + wire);
  }

  private pushVarint(value: number): void {
    const out = this.scratch;
    if (value < 0) {
      // int64 two's complement: always 10 bytes.
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 10; i++) {
        const byte = Number(v & 0x7fn);
        v >>= 7n;
        out.push(v === 0n ? byte : byte | 0x80);
        if (v === 0n) break;
      }
      return;
    }
    while (value >= 0x80) {
      out.push((value % 128) | 0x80);
      value = Math.floor(value / 128);
    }
    out.push(value);
  }

  private flushScratch(): void {
    if (this.scratch.length > 0) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }

  /** A varint field (int32, int64, enum, bool). */
  varint(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.pushVarint(value);
    return this;
  }

  /** A float32 field. */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
    return this;
  }

  /** A length-delimited field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.pushVarint(value.length);
    this.flushScratch();
    if (value.length > 0) this.chunks.push(value);
    return this;
  }

  /** A UTF-8 string field (skipped when empty, as proto3 does). */
  string(field: number, value: string): this {
    return value === '' ? this : this.bytes(field, utf8Encoder.encode(value));
  }

  /** A nested message written by `write` into a child writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    write(child);
    return this.bytes(field, child.finish());
  }

  /** Repeated varints, packed. */
  packedVarints(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const child = new ProtoWriter();
    for (const v of values) child.pushVarint(v);
    return this.bytes(field, child.finish());
  }

  /** Repeated float32s, packed. */
  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    // Typed arrays are host-endian; every board edgecam runs on (x86-64, arm64) is little-endian.
    return this.bytes(field, new Uint8Array(Float32Array.from(values).buffer));
  }

  /** Bytes already encoded as whole fields (an unknown field passed through). */
  raw(encoded: Uint8Array): this {
    this.flushScratch();
    this.chunks.push(encoded);
    return this;
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    this.flushScratch();
    let total = 0;
    for (const c of this.chunks) total += c.length;
    const out = new Uint8Array(total);
    let pos = 0;
    for (const c of this.chunks) {
      out.set(c, pos);
      pos += c.length;
    }
    return out;
  }
}
