import * as z from 'zod';
import { parseUrlWithScheme } from './url-schema.js';

/**
 * A camera's `source`: one shape per kind, chosen by `kind`, each with its own keys (unknown keys
 * are errors with a did-you-mean, like everywhere else). The capture stage (src/capture) has one
 * file per kind that reads these.
 */

export const V4L2_FORMATS = ['auto', 'mjpeg', 'yuyv'] as const;
export const RTSP_TRANSPORTS = ['tcp', 'udp'] as const;
export const FILE_PACES = ['realtime', 'fast'] as const;
/**
 * The most pixels an image of a file source may have (width x height, read from its header before
 * it is decoded): 40 megapixels passes any camera's photo, while an 8000x8000 image (64) took the
 * replay seconds a frame to decode and scale. The ceiling is sharp's own default pixel limit.
 */
export const DEFAULT_MAX_PIXELS = 40_000_000;
export const MAX_PIXELS_CEILING = 0x3fff * 0x3fff;

const urlWithSchemes = (schemes: readonly string[], example: string) =>
  z.string().superRefine((url, ctx) => {
    parseUrlWithScheme(url, schemes, `write the camera's stream URL, e.g. ${example}`, ctx);
  });

// node-webcam builds a shell command line from the device, so only plain path characters pass.
const devicePathSchema = z.string().superRefine((device, ctx) => {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(device)) {
    ctx.addIssue({
      code: 'custom',
      message: 'not a device path',
      params: { fix: 'write an absolute device path such as /dev/video0 (edgecam capture probe lists them)' },
    });
  }
});

export const v4l2SourceSchema = z.strictObject({
  kind: z.literal('v4l2'),
  device: devicePathSchema.default('/dev/video0'),
  format: z.enum(V4L2_FORMATS).default('auto'),
});

export const libcameraSourceSchema = z.strictObject({
  kind: z.literal('libcamera'),
  camera: z.number().int().min(0).max(15).default(0),
  args: z.array(z.string()).default([]),
});

export const rtspSourceSchema = z.strictObject({
  kind: z.literal('rtsp'),
  url: urlWithSchemes(['rtsp', 'rtsps'], 'rtsp://user:pass@192.168.1.20:554/stream1'),
  transport: z.enum(RTSP_TRANSPORTS).default('tcp'),
});

export const httpSourceSchema = z.strictObject({
  kind: z.literal('http'),
  url: urlWithSchemes(['http', 'https'], 'http://192.168.1.21/video.mjpg'),
});

export const nodeWebcamSourceSchema = z.strictObject({
  kind: z.literal('node-webcam'),
  device: devicePathSchema.or(z.literal('')).default(''),
  interval: z.number().positive().max(3600).optional(),
});

export const fileSourceSchema = z.strictObject({
  kind: z.literal('file'),
  path: z.string().min(1),
  loop: z.boolean().default(false),
  pace: z.enum(FILE_PACES).default('realtime'),
  // Its reload policy is the camera's source's (schema.ts): a change restarts the camera.
  maxPixels: z.number().int().min(1).max(MAX_PIXELS_CEILING).default(DEFAULT_MAX_PIXELS),
});

export const syntheticSourceSchema = z.strictObject({
  kind: z.literal('synthetic'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  signs: z.number().int().min(0).max(12).default(4),
});

export const sourceSchema = z
  .discriminatedUnion('kind', [
    v4l2SourceSchema,
    libcameraSourceSchema,
    rtspSourceSchema,
    httpSourceSchema,
    nodeWebcamSourceSchema,
    fileSourceSchema,
    syntheticSourceSchema,
  ])
  .describe('a mapping with kind (v4l2, libcamera, rtsp, http, node-webcam, file, synthetic) and its keys');

export const ROTATIONS = [0, 90, 180, 270] as const;
export const FLIPS = ['none', 'horizontal', 'vertical', 'both'] as const;

export const cropSchema = z.strictObject({
  x: z.number().int().min(0).max(16383).default(0),
  y: z.number().int().min(0).max(16383).default(0),
  width: z.number().int().min(1).max(16384),
  height: z.number().int().min(1).max(16384),
});

export type SourceConfig = z.infer<typeof sourceSchema>;
export type SourceKind = SourceConfig['kind'];
export type V4l2SourceConfig = z.infer<typeof v4l2SourceSchema>;
export type LibcameraSourceConfig = z.infer<typeof libcameraSourceSchema>;
export type RtspSourceConfig = z.infer<typeof rtspSourceSchema>;
export type HttpSourceConfig = z.infer<typeof httpSourceSchema>;
export type NodeWebcamSourceConfig = z.infer<typeof nodeWebcamSourceSchema>;
export type FileSourceConfig = z.infer<typeof fileSourceSchema>;
export type SyntheticSourceConfig = z.infer<typeof syntheticSourceSchema>;
export type CropConfig = z.infer<typeof cropSchema>;

/**
 * The size of the frames a camera delivers: its capture size, cropped, then rotated.
 * @example frameSize({ width: 640, height: 480, rotate: 90 }) // { width: 480, height: 640 }
 */
export function frameSize(camera: {
  readonly width: number;
  readonly height: number;
  readonly rotate?: number | undefined;
  readonly crop?: { readonly width: number; readonly height: number } | undefined;
}): { width: number; height: number } {
  const width = camera.crop?.width ?? camera.width;
  const height = camera.crop?.height ?? camera.height;
  return camera.rotate === 90 || camera.rotate === 270 ? { width: height, height: width } : { width, height };
}

/**
 * Why a crop does not fit inside the capture size, or undefined when it fits.
 * @example cropOverflow({ x: 600, width: 100, y: 0, height: 10 }, 640, 480) // 'x + width = 700 is past the width 640'
 */
export function cropOverflow(crop: CropConfig, width: number, height: number): string | undefined {
  if (crop.x + crop.width > width) return `x + width = ${crop.x + crop.width} is past the width ${width}`;
  if (crop.y + crop.height > height)
    return `y + height = ${crop.y + crop.height} is past the height ${height}`;
  return undefined;
}
