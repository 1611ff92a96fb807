import { createSource } from '../capture/create.js';
import { formatProbe, isVideoDevice, listVideoDevices, probeDevice } from '../capture/probe.js';
import { findOnPath, resolveFfmpeg } from '../capture/programs.js';
import type { OfflineEvent } from '../capture/source.js';
import { loadConfig } from '../config/index.js';
import { EdgecamError } from '../errors.js';
import type { Frame } from '../frame.js';
import { didYouMean } from '../suggest.js';
import { writeImageFile } from './image-file.js';

/**
 * `edgecam capture probe [DEVICE...]`: what each V4L2 camera offers (formats, sizes, frame
 * rates), with a config line to start from. v4l2-ctl answers when installed (it knows frame
 * rates), else ffmpeg.
 */
export async function probeCommand(devices: string[], devDir = '/dev'): Promise<string> {
  const listed = devices.length > 0 ? devices : await listVideoDevices(devDir);
  if (listed.length === 0) {
    return [
      `No V4L2 cameras: ${devDir}/video* does not exist.`,
      'Plug a USB camera in (then run this again), or use another source kind:',
      '  Raspberry Pi camera modules: source: { kind: libcamera }',
      '  IP cameras: source: { kind: rtsp, url: rtsp://... } or { kind: http, url: http://.../video.mjpg }',
      '',
    ].join('\n');
  }
  const ffmpeg = resolveFfmpeg('');
  const v4l2ctl = findOnPath('v4l2-ctl');
  const blocks: string[] = [];
  for (const device of listed) {
    if (!(await isVideoDevice(device))) {
      throw new EdgecamError(
        'EDGECAM_ERR_CAMERA_DEVICE',
        `${device} is not a video device: name one that exists (ls /dev/video*), or run edgecam capture probe with no argument to list them`,
      );
    }
    blocks.push(formatProbe(await probeDevice(device, { ffmpeg, v4l2ctl })));
  }
  const hint =
    v4l2ctl === undefined ? '\n(frame rates: install v4l-utils for v4l2-ctl, which lists them)\n' : '\n';
  return `${blocks.join('\n\n')}\n${hint}`;
}

/**
 * `edgecam capture snapshot --camera ID OUT`: one frame from a configured camera, written as an
 * image (.jpg, .png, ...), so a maker can check framing, rotation and crop.
 */
export async function snapshotCommand(
  configFile: string | undefined,
  cameraId: string,
  output: string,
  timeoutS: number,
): Promise<string> {
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `--timeout must be a number of seconds > 0, but received "${timeoutS}"`,
    );
  }
  const config = await loadConfig(configFile === undefined ? {} : { file: configFile });
  const camera = config.cameras.find((c) => c.id === cameraId);
  if (camera === undefined) {
    const ids = config.cameras.map((c) => c.id);
    const suggestion = didYouMean(cameraId, ids);
    throw new EdgecamError(
      'EDGECAM_ERR_CAMERA_UNKNOWN',
      `no camera "${cameraId}" in the configuration (cameras: ${ids.join(', ') || 'none'}): ${suggestion === undefined ? 'use one of those ids' : `did you mean "${suggestion}"?`}`,
    );
  }
  const source = createSource(camera, { ffmpegPath: config.capture.ffmpegPath });
  let lastOffline: OfflineEvent | undefined;
  const remember = (event: OfflineEvent) => {
    lastOffline = event;
  };
  source.events.on('offline', remember);
  source.events.on('retry', remember);
  const stop = AbortSignal.timeout(timeoutS * 1000);
  let frame: Frame | undefined;
  for await (const first of source.frames(stop)) {
    frame = first;
    break;
  }
  if (frame === undefined) {
    throw new EdgecamError(
      'EDGECAM_ERR_CAMERA_DEVICE',
      `camera "${cameraId}" gave no frame within ${timeoutS} s${lastOffline === undefined ? '' : ` (${lastOffline.reason})`}: check its source settings and that it is connected`,
    );
  }
  await writeImageFile(output, frame);
  return `${cameraId} (${camera.source.kind}) -> ${output} (${frame.width}x${frame.height}, ${frame.channels === 3 ? 'RGB' : 'gray'})`;
}
