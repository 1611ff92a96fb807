import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { listVideoDevices } from '../capture/probe.js';
import { findOnPath } from '../capture/programs.js';
import { LIBCAMERA_PROGRAMS } from '../capture/sources/libcamera.js';
import type { CameraConfig } from '../config/schema.js';
import { type CheckResult, fail, ok, warn } from './check.js';

/**
 * The cameras this board offers: V4L2 devices (/dev/video*: USB cameras, and on a Pi its codec
 * and ISP nodes too) and the libcamera programs a Pi camera module is read through; against them,
 * what the config's enabled cameras need.
 */

export interface CameraFacts {
  readonly devDir: string;
  /** PATH, where rpicam-vid, libcamera-vid and fswebcam are looked for. */
  readonly path: string;
  /** The config's cameras (only enabled ones are checked); empty without a valid config. */
  readonly cameras: readonly CameraConfig[];
}

/** How many device nodes the line names before it counts the rest (a Pi 5 has over 20). */
const LISTED_DEVICES = 6;

/**
 * The cameras line.
 * @example await checkCameras({ devDir: '/dev', path: process.env.PATH ?? '', cameras: config.cameras })
 */
export async function checkCameras(facts: CameraFacts): Promise<CheckResult> {
  const devices = await listVideoDevices(facts.devDir);
  const libcamera = LIBCAMERA_PROGRAMS.map((p) => findOnPath(p, facts.path)).find((p) => p !== undefined);
  const found = [
    devices.length === 0 ? `no ${facts.devDir}/video*` : listDevices(devices),
    libcamera === undefined ? `no ${LIBCAMERA_PROGRAMS.join(' or ')}` : `libcamera: ${libcamera}`,
  ].join('; ');
  const enabled = facts.cameras.filter((c) => c.enabled);

  const needs = enabled.flatMap((camera) => unmet(camera, devices, facts.path));
  const failure = needs.find((n) => n.fatal);
  if (failure !== undefined) return fail('cameras', `${found}; ${failure.what}`, failure.fix);
  const absent = needs[0];
  if (absent !== undefined) return warn('cameras', `${found}; ${absent.what}`, absent.fix);

  if (devices.length === 0 && libcamera === undefined) {
    return warn(
      'cameras',
      `${found}: no camera on this board`,
      'plug in a USB camera (then ls /dev/video*; dmesg says why one does not show), or for a Pi camera module: sudo apt install rpicam-apps; file, rtsp, http and synthetic cameras need neither',
    );
  }
  const first = devices[0];
  if (first !== undefined && !(await canOpen(first))) {
    return warn(
      'cameras',
      `${found}; this user cannot open ${first}`,
      'add yourself to the video group (sudo usermod -aG video $USER, then log in again); the edgecam service user is in it already',
    );
  }
  return ok('cameras', found);
}

interface Unmet {
  readonly what: string;
  readonly fix: string;
  /** A program the camera cannot start without (fail), or a device that may be plugged in later (warn). */
  readonly fatal: boolean;
}

/** What `camera` needs that this board lacks. */
function unmet(camera: CameraConfig, devices: readonly string[], path: string): Unmet[] {
  const source = camera.source;
  const name = `camera "${camera.id}"`;
  if (source.kind === 'v4l2' && !devices.includes(source.device)) {
    // edgecam run starts anyway and starts the camera when the device shows up.
    return [
      {
        what: `${name} reads ${source.device}, which is not here`,
        fix: 'plug the camera in (edgecam run starts it when it shows up), or set its source.device to a device listed here (edgecam capture probe shows what each offers)',
        fatal: false,
      },
    ];
  }
  if (source.kind === 'libcamera' && !LIBCAMERA_PROGRAMS.some((p) => findOnPath(p, path) !== undefined)) {
    return [
      {
        what: `${name} (kind libcamera) needs ${LIBCAMERA_PROGRAMS.join(' or ')}`,
        fix: 'sudo apt install rpicam-apps',
        fatal: true,
      },
    ];
  }
  if (source.kind === 'node-webcam' && findOnPath('fswebcam', path) === undefined) {
    return [
      { what: `${name} (kind node-webcam) needs fswebcam`, fix: 'sudo apt install fswebcam', fatal: true },
    ];
  }
  return [];
}

function listDevices(devices: readonly string[]): string {
  const shown = devices.slice(0, LISTED_DEVICES).join(', ');
  return devices.length > LISTED_DEVICES ? `${shown} and ${devices.length - LISTED_DEVICES} more` : shown;
}

async function canOpen(device: string): Promise<boolean> {
  try {
    await access(device, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    // No permission (not in the video group), or the node vanished since it was listed.
    return false;
  }
}
