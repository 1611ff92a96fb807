import type { Clock } from '../../time/clock.js';

/** What a source kind's driver gets besides its camera's config. */
export interface DriverContext {
  /** capture.ffmpegPath from the config ("" finds one). */
  readonly ffmpegPath: string;
  readonly clock: Clock;
  /** PATH to search for programs (ffmpeg, rpicam-vid, fswebcam); tests put stand-ins first. */
  readonly path: string;
  /** Where V4L2 devices live (/dev). */
  readonly devDir: string;
}

/** A camera's config as drivers read it (the parts every kind shares). */
export interface CameraShape {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}
