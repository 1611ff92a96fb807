import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveViewSource, StreamRequest } from './live-view-source.js';

/**
 * `GET /api/cameras/<id>/stream.mjpeg`: the camera's frames as MJPEG (multipart/x-mixed-replace,
 * one JPEG per part), what ffmpeg, VLC, browsers and Home Assistant's MJPEG camera read.
 * `?raw=1` sends the camera's own picture instead of the annotated one; `?fps=N` caps the rate
 * (default 5, at most the camera's fps). A client whose socket is still sending the last frame
 * skips the next ones, so a slow or stalled client costs at most one frame of memory.
 */

/** Frames a second when the client does not say. */
export const DEFAULT_STREAM_FPS = 5;

const BOUNDARY = 'edgecam-frame';
const CRLF = '\r\n';

/** Serves one stream client until it leaves or the camera stops. */
export function serveMjpeg(
  req: IncomingMessage,
  res: ServerResponse,
  source: LiveViewSource,
  cameraId: string,
  query: URLSearchParams,
): void {
  const request = streamRequest(query);
  if (typeof request === 'string') {
    answer(res, 400, request);
    return;
  }
  const watch = source.watchStream(cameraId, request, {
    frame: (jpeg, seq) => {
      // writableLength > 0: the last part has not all reached the kernel yet, so the socket is
      // backed up; skipping keeps what a client holds here to one part (Node's stream
      // backpressure: https://nodejs.org/en/learn/modules/backpressuring-in-streams).
      if (res.writableLength > 0) {
        watch?.skipped(res.writableLength);
        return;
      }
      res.write(
        `--${BOUNDARY}${CRLF}Content-Type: image/jpeg${CRLF}Content-Length: ${jpeg.length}${CRLF}X-Frame-Seq: ${seq}${CRLF}${CRLF}`,
      );
      res.write(jpeg);
      res.write(CRLF);
    },
    ended: () => res.end(),
  });
  if (watch === undefined) {
    answer(res, 404, `no camera "${cameraId}"`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Stream-Fps': String(watch.fps),
  });
  res.flushHeaders();
  const leave = () => watch.stop();
  res.once('close', leave);
  if (req.method === 'HEAD') res.end();
}

/** The query's options, or what is wrong with them. */
function streamRequest(query: URLSearchParams): StreamRequest | string {
  const rawText = query.get('raw') ?? '0';
  const raw =
    rawText === '1' || rawText === 'true' ? true : rawText === '0' || rawText === 'false' ? false : undefined;
  if (raw === undefined)
    return `raw=${rawText}: use raw=1 for the camera's own picture, raw=0 (the default) for detections drawn`;
  const fpsText = query.get('fps');
  const fps = fpsText === null ? DEFAULT_STREAM_FPS : Number(fpsText);
  if (!Number.isFinite(fps) || fps <= 0)
    return `fps=${fpsText}: use a number of frames a second above 0, e.g. fps=5`;
  return { raw, fps };
}

function answer(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error }));
}
