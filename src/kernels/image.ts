import { EdgecamError } from '../errors.js';
import type { Image, Pixels, Shape } from '../frame.js';
import { describe } from './describe.js';

/**
 * Checks that an image's sizes are positive integers and its data holds width*height*channels
 * values; `what` names it in the error ('input', 'out').
 * @example checkImage({ width: 2, height: 1, channels: 1, data: new Uint8Array(2) }, 'input')
 */
export function checkImage(img: Image, what: string): void {
  checkShape(img, what);
  const { data } = img;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    throw argumentError(
      `Expected ${what} data to be a Uint8Array, Uint8ClampedArray or Float32Array but received ${describe(data)}`,
    );
  }
  const expected = img.width * img.height * img.channels;
  if (data.length !== expected) {
    throw argumentError(
      `Expected ${what} data to hold ${expected} values (${shapeText(img)}) but it holds ${data.length}`,
    );
  }
}

/**
 * Checks that width, height and channels are positive integers.
 * @example checkShape({ width: 640, height: 480, channels: 3 }, 'input')
 */
export function checkShape(shape: Shape, what: string): void {
  if (typeof shape !== 'object' || shape === null) {
    throw argumentError(`Expected ${what} to be an image but received ${describe(shape)}`);
  }
  for (const key of ['width', 'height', 'channels'] as const) {
    const v = shape[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw argumentError(`Expected ${what} ${key} to be a positive integer but received ${describe(v)}`);
    }
  }
}

/**
 * Returns `out` after checking it is a Float32 image of `shape` that does not share memory with
 * `input`, or allocates one when `out` is undefined.
 * @example const o = prepareFloatOut(undefined, { width: 2, height: 2, channels: 1 }, input)
 */
export function prepareFloatOut(
  out: Image<Float32Array> | undefined,
  shape: Shape,
  input?: Image,
): Image<Float32Array> {
  if (out === undefined) return allocate(shape, Float32Array);
  checkOut(out, shape, Float32Array, input);
  return out;
}

/**
 * Returns `out` after checking it is a Uint8 image of `shape` (not sharing memory with `input`),
 * or allocates one when `out` is undefined.
 * @example const o = prepareUint8Out(undefined, { width: 2, height: 2, channels: 1 })
 */
export function prepareUint8Out(
  out: Image<Uint8Array> | undefined,
  shape: Shape,
  input?: Image,
): Image<Uint8Array> {
  if (out === undefined) return allocate(shape, Uint8Array);
  checkOut(out, shape, Uint8Array, input);
  return out;
}

/**
 * "640x480x3" for messages.
 * @example shapeText({ width: 640, height: 480, channels: 3 }) // '640x480x3'
 */
export function shapeText(s: Shape): string {
  return `${s.width}x${s.height}x${s.channels}`;
}

function allocate<T extends Pixels>(shape: Shape, Type: new (n: number) => T): Image<T> {
  const { width, height, channels } = shape;
  return { width, height, channels, data: new Type(width * height * channels) };
}

function checkOut(
  out: Image,
  shape: Shape,
  Type: typeof Float32Array | typeof Uint8Array,
  input: Image | undefined,
): void {
  const expected = shape.width * shape.height * shape.channels;
  if (
    out.width !== shape.width ||
    out.height !== shape.height ||
    out.channels !== shape.channels ||
    !(out.data instanceof Type) ||
    out.data.length !== expected
  ) {
    const got =
      out.data instanceof Type
        ? `${shapeText(out)} with ${out.data?.length} values`
        : `${shapeText(out)} backed by ${describe(out.data)}`;
    throw argumentError(
      `Expected out to be a ${shapeText(shape)} ${Type.name} image (${expected} values) but received ${got}: ` +
        'pass an image of the output shape or omit out',
    );
  }
  if (input !== undefined && overlaps(out.data, input.data)) {
    throw argumentError(
      'Expected out not to share memory with the input: this operation cannot run in place',
    );
  }
}

function overlaps(a: Pixels, b: Pixels): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

function argumentError(message: string): EdgecamError {
  return new EdgecamError('EDGECAM_ERR_ARGUMENT', message);
}

/**
 * The shape of `s` alone, frozen: what a plan keeps of the image it was planned from, so that it
 * does not hold that image's pixels (a camera frame) for as long as the plan lives.
 * @example const shape = shapeOf(frame); // { width: 640, height: 480, channels: 3 }
 */
export function shapeOf(s: Shape): Shape {
  return Object.freeze({ width: s.width, height: s.height, channels: s.channels });
}
