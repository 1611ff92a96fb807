/**
 * ffmpeg command-line pieces shared by the ffmpeg-based sources (v4l2, rtsp, http, file).
 * `-nostdin` keeps ffmpeg from reading the terminal; `-loglevel error` keeps its stderr to the
 * lines that explain an exit.
 */
export const FFMPEG_PREFIX: readonly string[] = ['-hide_banner', '-nostdin', '-loglevel', 'error'];

/** Pass the camera's JPEGs through untouched (`-c copy`): no decode, no re-encode in ffmpeg. */
export const MJPEG_COPY_OUTPUT: readonly string[] = ['-c:v', 'copy', '-f', 'mjpeg', 'pipe:1'];

/**
 * Decode in ffmpeg and write raw RGB frames at `fps` and `width` x `height`.
 * @example rawOutput(640, 480, 10) // ['-vf', 'fps=10,scale=640:480', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']
 */
export function rawOutput(width: number, height: number, fps?: number): string[] {
  const filters = [...(fps === undefined ? [] : [`fps=${fps}`]), `scale=${width}:${height}`];
  return ['-vf', filters.join(','), '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
}
