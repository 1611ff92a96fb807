/**
 * How a V4L2 camera's MJPEG frames are decoded (npm run bench:capture measures both side by side):
 * - 'ffmpeg': ffmpeg decodes and writes raw RGB (-f rawvideo);
 * - 'sharp': ffmpeg passes the JPEGs through (-c copy) and edgecam decodes them with sharp.
 * On the 2-core x86 reference machine ffmpeg took 1.1 CPU ms per 640x480 frame against sharp's
 * 1.6-1.8 (both far past the 60 fps goal); at 1280x720 the two were within run-to-run noise.
 * rpicam-vid and fswebcam hand over JPEGs with no ffmpeg in between, so they always use sharp.
 */
export type DecodeRoute = 'sharp' | 'ffmpeg';

/** The route the benchmark showed cheaper (see README, Cameras). */
export const DECODE_ROUTE: DecodeRoute = 'ffmpeg';
