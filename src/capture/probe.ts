import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a V4L2 device offers (formats, sizes, frame rates), from v4l2-ctl when it is installed
 * (it lists frame rates) or else from ffmpeg (formats and sizes only), for `edgecam capture
 * probe` and for checking a camera's configured size before it starts.
 */

export interface ProbedSize {
  readonly width: number;
  readonly height: number;
  /** Frame rates offered at this size; empty when the prober cannot tell (ffmpeg). */
  readonly fps: readonly number[];
}

export interface ProbedFormat {
  /** 'mjpeg', 'yuyv', or the pixel format's own lower-case name ('h264', 'nv12'). */
  readonly format: string;
  readonly description: string;
  readonly compressed: boolean;
  readonly sizes: readonly ProbedSize[];
  /** A size range ("32x32 to 2592x1944") for stepwise devices (CSI cameras), where sizes is empty. */
  readonly range?: string;
}

export interface ProbedDevice {
  readonly device: string;
  readonly formats: readonly ProbedFormat[];
  /** Which program answered. */
  readonly via: 'v4l2-ctl' | 'ffmpeg';
}

const FOURCC_NAMES: Readonly<Record<string, string>> = { MJPG: 'mjpeg', JPEG: 'mjpeg', YUYV: 'yuyv' };
const FFMPEG_NAMES: Readonly<Record<string, string>> = { mjpeg: 'mjpeg', yuyv422: 'yuyv' };

/**
 * Parses `v4l2-ctl -d DEV --list-formats-ext`.
 * @example parseV4l2Ctl("[0]: 'MJPG' (Motion-JPEG, compressed)\n\tSize: Discrete 640x480\n\t\tInterval: Discrete 0.033s (30.000 fps)")
 */
export function parseV4l2Ctl(text: string): ProbedFormat[] {
  const formats: {
    format: string;
    description: string;
    compressed: boolean;
    sizes: ProbedSize[];
    range?: string;
  }[] = [];
  let sizes: ProbedSize[] | undefined;
  for (const line of text.split('\n')) {
    const format = /^\s*\[\d+\]: '(\w+)' \((.*)\)\s*$/.exec(line);
    if (format !== null) {
      const fourcc = format[1]!;
      const description = format[2]!;
      sizes = [];
      formats.push({
        format: FOURCC_NAMES[fourcc] ?? fourcc.toLowerCase(),
        description: description.replace(/, compressed$/, ''),
        compressed: /compressed/.test(description),
        sizes,
      });
      continue;
    }
    const current = formats[formats.length - 1];
    const discrete = /^\s*Size: Discrete (\d+)x(\d+)/.exec(line);
    if (discrete !== null && sizes !== undefined) {
      sizes.push({ width: Number(discrete[1]), height: Number(discrete[2]), fps: [] });
      continue;
    }
    const stepwise = /^\s*Size: (?:Stepwise|Continuous) (\d+x\d+) - (\d+x\d+)/.exec(line);
    if (stepwise !== null && current !== undefined) {
      current.range = `${stepwise[1]} to ${stepwise[2]}`;
      continue;
    }
    const interval = /^\s*Interval: Discrete [\d.]+s \(([\d.]+) fps\)/.exec(line);
    const size = sizes?.[sizes.length - 1];
    if (interval !== null && size !== undefined) (size.fps as number[]).push(Number(interval[1]));
  }
  return formats;
}

/**
 * Parses the stderr of `ffmpeg -f v4l2 -list_formats all -i DEV`.
 * @example parseFfmpegFormats('[video4linux2,v4l2 @ 0x1] Compressed:       mjpeg :          Motion-JPEG : 1280x720 640x480')
 */
export function parseFfmpegFormats(text: string): ProbedFormat[] {
  const formats: ProbedFormat[] = [];
  for (const line of text.split('\n')) {
    const match = /\]\s*(Compressed|Raw)\s*:\s*(\S+)\s*:\s*(.*?)\s*:\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, kind, name, description, list] = match as unknown as [string, string, string, string, string];
    const sizes = [...list.matchAll(/(?:^|\s)(\d+)x(\d+)(?=\s|$)/g)].map((m) => ({
      width: Number(m[1]),
      height: Number(m[2]),
      fps: [],
    }));
    const range = /\{(\d+)-(\d+), \d+\}x\{(\d+)-(\d+), \d+\}/.exec(list);
    formats.push({
      format: FFMPEG_NAMES[name] ?? name,
      description,
      compressed: kind === 'Compressed',
      sizes,
      ...(range === null ? {} : { range: `${range[1]}x${range[3]} to ${range[2]}x${range[4]}` }),
    });
  }
  return formats;
}

/**
 * The V4L2 capture devices under `devDir`, in number order (/dev/video0, /dev/video1, ...).
 * @example await listVideoDevices() // ['/dev/video0']
 */
export async function listVideoDevices(devDir = '/dev'): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(devDir);
  } catch {
    // No /dev to read (a container): there are no devices to list.
    return [];
  }
  return names
    .filter((n) => /^video\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((n) => join(devDir, n));
}

/**
 * True when `device` exists and is a character device (what /dev/videoN is).
 * @example await isVideoDevice('/dev/video0')
 */
export async function isVideoDevice(device: string): Promise<boolean> {
  try {
    return (await stat(device)).isCharacterDevice();
  } catch {
    // Missing, or unreadable: not a camera edgecam can open.
    return false;
  }
}

/**
 * Asks v4l2-ctl (when `v4l2ctl` is a path) or ffmpeg what `device` offers.
 * @example await probeDevice('/dev/video0', { ffmpeg: '/usr/bin/ffmpeg' })
 */
export async function probeDevice(
  device: string,
  programs: { readonly ffmpeg: string; readonly v4l2ctl?: string | undefined },
): Promise<ProbedDevice> {
  if (programs.v4l2ctl !== undefined) {
    const { stdout } = await run(programs.v4l2ctl, ['-d', device, '--list-formats-ext']);
    return { device, formats: parseV4l2Ctl(stdout), via: 'v4l2-ctl' };
  }
  // ffmpeg lists the formats and then fails ("Immediate exit requested"): its stderr is the answer.
  const { stderr } = await run(programs.ffmpeg, [
    '-hide_banner',
    '-f',
    'v4l2',
    '-list_formats',
    'all',
    '-i',
    device,
  ]);
  return { device, formats: parseFfmpegFormats(stderr), via: 'ffmpeg' };
}

function run(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      // A non-zero exit is normal for ffmpeg's listing; only a failure to run at all is an error.
      if (err !== null && typeof err.code === 'string') reject(err);
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * True when `format` offers `width` x `height` (a listed size, or inside a stepwise range).
 * @example offersSize(format, 640, 480)
 */
export function offersSize(format: ProbedFormat, width: number, height: number): boolean {
  if (format.sizes.some((s) => s.width === width && s.height === height)) return true;
  const range = format.range === undefined ? null : /(\d+)x(\d+) to (\d+)x(\d+)/.exec(format.range);
  if (range === null) return false;
  const [minW, minH, maxW, maxH] = range.slice(1).map(Number) as [number, number, number, number];
  return width >= minW && width <= maxW && height >= minH && height <= maxH;
}

/**
 * A maker-readable listing of a device, with a config snippet for its best MJPEG size.
 * @example console.log(formatProbe(await probeDevice('/dev/video0', { ffmpeg })))
 */
export function formatProbe(probed: ProbedDevice): string {
  const lines = [`${probed.device} (via ${probed.via})`];
  if (probed.formats.length === 0)
    lines.push('  no capture formats (a metadata node, or the camera is busy)');
  for (const f of probed.formats) {
    const sizes = f.sizes.map(
      (s) => `${s.width}x${s.height}${s.fps.length > 0 ? ` @ ${s.fps.join(', ')} fps` : ''}`,
    );
    if (f.range !== undefined) sizes.push(`any size from ${f.range}`);
    lines.push(`  ${f.format} (${f.description}${f.compressed ? ', compressed' : ''}): ${sizes.join('; ')}`);
  }
  const usable =
    probed.formats.find((f) => f.format === 'mjpeg') ?? probed.formats.find((f) => f.format === 'yuyv');
  const size = usable?.sizes.find((s) => s.width === 640 && s.height === 480) ?? usable?.sizes[0];
  if (usable !== undefined && size !== undefined) {
    const fps = size.fps.length > 0 ? Math.max(...size.fps) : 15;
    lines.push(
      `  config: source: { kind: v4l2, device: ${probed.device}, format: ${usable.format} }, width: ${size.width}, height: ${size.height}, fps: ${fps}`,
    );
  }
  return lines.join('\n');
}
