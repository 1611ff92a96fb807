import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeWebcamSourceConfig } from '../../config/source-schema.js';
import { sleep } from '../../time/clock.js';
import { requireProgram } from '../programs.js';
import type { CameraDriver, SessionEnd } from '../source.js';
import type { CameraShape, DriverContext } from './context.js';

/**
 * Snapshots through the node-webcam package (which runs fswebcam), one every `interval` seconds,
 * for cameras that will not stream. Each shot is a JPEG decoded like a streamed one.
 */

/** The part of node-webcam's FSWebcam this driver uses (the package ships no types). */
interface FsWebcam {
  capture(location: string, callback: (err: Error | null, data?: Buffer) => void): void;
  generateSh(location: string): string;
}
type FsWebcamClass = new (options: Record<string, unknown>) => FsWebcam;

/** fswebcam gets this long per shot before `timeout` ends it (node-webcam offers no way to stop it). */
export const SHOT_TIMEOUT_S = 15;

/**
 * node-webcam's options for a camera: no banner, no shots kept in memory (saveShots would grow
 * without bound), the JPEG read back as a buffer.
 * @example nodeWebcamOptions({ id: 'door', width: 640, height: 480, fps: 1 }, { kind: 'node-webcam', device: '' })
 */
export function nodeWebcamOptions(
  camera: CameraShape,
  source: NodeWebcamSourceConfig,
): Record<string, unknown> {
  return {
    width: camera.width,
    height: camera.height,
    quality: 90,
    output: 'jpeg',
    saveShots: false,
    callbackReturn: 'buffer',
    verbose: false,
    ...(source.device === '' ? {} : { device: source.device }),
  };
}

/**
 * The node-webcam driver.
 * @example nodeWebcamDriver(camera, { kind: 'node-webcam', device: '/dev/video0', interval: 5 }, context)
 */
export function nodeWebcamDriver(
  camera: CameraShape,
  source: NodeWebcamSourceConfig,
  context: DriverContext,
): CameraDriver {
  const intervalMs = (source.interval ?? 1 / camera.fps) * 1000;
  const file = join(tmpdir(), `edgecam-${camera.id}-${process.pid}.jpg`);
  let webcam: FsWebcam | undefined;
  const open = (): FsWebcam => {
    const fswebcam = requireProgram(
      ['fswebcam'],
      `camera "${camera.id}" (kind node-webcam)`,
      'sudo apt install fswebcam',
      context.path,
    );
    const { FSWebcam } = createRequire(import.meta.url)('node-webcam') as { FSWebcam: FsWebcamClass };
    const instance = new FSWebcam(nodeWebcamOptions(camera, source));
    const generate = instance.generateSh.bind(instance);
    // node-webcam runs "fswebcam ..." through a shell it never lets us kill: bound each shot with
    // timeout(1), and run the fswebcam found on context.path.
    instance.generateSh = (location) =>
      `exec timeout -k 2 ${SHOT_TIMEOUT_S} ${quote(fswebcam)}${generate(location).replace(/^fswebcam/, '')}`;
    return instance;
  };
  const shoot = (cam: FsWebcam) =>
    new Promise<Buffer>((resolve, reject) =>
      cam.capture(file, (err, data) =>
        err !== null || data === undefined ? reject(err ?? new Error('no image')) : resolve(data),
      ),
    );
  return {
    description: `node-webcam ${source.device || '(default device)'}`,
    async preflight() {
      webcam = open();
    },
    async run(sink, signal): Promise<SessionEnd> {
      webcam ??= open();
      try {
        const start = context.clock.now();
        for (let shot = 0; !signal.aborted; shot++) {
          let jpeg: Buffer;
          try {
            jpeg = await shoot(webcam);
          } catch (err) {
            return { reason: `fswebcam failed: ${(err as Error).message.trim().split('\n').pop()}` };
          }
          sink.jpeg(jpeg);
          await sleep(
            context.clock,
            Math.max(0, start + (shot + 1) * intervalMs - context.clock.now()),
            signal,
          );
        }
        return { reason: 'stopped' };
      } finally {
        await rm(file, { force: true });
      }
    },
  };
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}
