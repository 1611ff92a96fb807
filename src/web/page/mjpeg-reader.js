// Plays edgecam's MJPEG stream (GET api/cameras/<id>/stream.mjpeg) onto a canvas. An <img> could
// play multipart/x-mixed-replace by itself, but it cannot send the Authorization header, and a
// token in its URL would end up in logs and the browser's history; fetch() sends the header, and
// the parts (each with its Content-Length, src/web/mjpeg-stream.ts) are cut out of the body here.

const CRLF2 = [13, 10, 13, 10];
// After the stream ends: about 1, 2, 4, ... s until the next try, at most 15 s; a frame resets it.
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 15_000;

/** Thrown when edgecam answers 401: the page asks for the token instead of retrying. */
export class StreamUnauthorized extends Error {}

/**
 * Reads a camera's stream and draws each frame on `canvas` until stopped; when the stream ends or
 * fails (edgecam restarts, the camera stops), says so through `onState` and tries again with backoff.
 * `canvas.dataset.frames` counts the frames drawn, `canvas.dataset.seq` is the last frame's number.
 * @example const play = playStream({ url, canvas, headers: () => ({}), onState: (s) => {}, onUnauthorized: () => {} }); play.stop()
 */
export function playStream({ url, canvas, headers, onState, onFrame, onUnauthorized }) {
  let controller;
  let retryTimer;
  let failures = 0;
  let stopped = false;

  async function connect() {
    controller = new AbortController();
    const signal = controller.signal;
    let reason;
    try {
      onState({ kind: 'connecting' });
      const res = await fetch(url, { headers: headers(), cache: 'no-store', signal });
      if (res.status === 401) throw new StreamUnauthorized('edgecam asks for its token (http.token)');
      if (res.status === 404) throw new Error('the camera is not running');
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
      onState({ kind: 'playing' });
      await readParts(res.body.getReader(), signal, async (jpeg, seq) => {
        await draw(canvas, jpeg);
        failures = 0;
        canvas.dataset.frames = String(Number(canvas.dataset.frames ?? '0') + 1);
        if (seq !== null) canvas.dataset.seq = seq;
        onFrame?.();
      });
      reason = 'the stream ended';
    } catch (err) {
      if (stopped) return;
      if (err instanceof StreamUnauthorized) {
        onUnauthorized();
        return;
      }
      reason = err.message;
    }
    if (stopped) return;
    const delayMs = Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures++);
    onState({ kind: 'waiting', reason, retryInMs: delayMs });
    retryTimer = setTimeout(connect, delayMs);
  }

  connect();
  return {
    /** Stops reading (the page is hidden, the camera left the configuration). */
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      controller?.abort();
    },
  };
}

/** Calls `onPart` with each JPEG of a multipart body (and its X-Frame-Seq) until the body ends. */
async function readParts(reader, signal, onPart) {
  let buffered = new Uint8Array(0);
  for (;;) {
    const { value, done } = await reader.read();
    if (done || signal.aborted) return;
    buffered = concat(buffered, value);
    for (;;) {
      const headEnd = indexOf(buffered, CRLF2);
      if (headEnd < 0) break;
      const head = new TextDecoder().decode(buffered.subarray(0, headEnd));
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1]);
      if (!Number.isInteger(length)) throw new Error('a stream part without its Content-Length');
      const start = headEnd + 4;
      if (buffered.length < start + length) break;
      // Only the newest complete frame is drawn: the ones before it in the same read are stale.
      const jpeg = buffered.slice(start, start + length);
      buffered = buffered.subarray(start + length);
      if (!hasWholePart(buffered)) await onPart(jpeg, /x-frame-seq:\s*(\d+)/i.exec(head)?.[1] ?? null);
    }
  }
}

/** Whether `bytes` (what follows a part) holds another complete part. */
function hasWholePart(bytes) {
  const headEnd = indexOf(bytes, CRLF2);
  if (headEnd < 0) return false;
  const head = new TextDecoder().decode(bytes.subarray(0, headEnd));
  const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1]);
  return Number.isInteger(length) && bytes.length >= headEnd + 4 + length;
}

async function draw(canvas, jpeg) {
  const bitmap = await createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' }));
  try {
    if (canvas.width !== bitmap.width) canvas.width = bitmap.width;
    if (canvas.height !== bitmap.height) canvas.height = bitmap.height;
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
  } finally {
    bitmap.close();
  }
}

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOf(bytes, pattern) {
  outer: for (let i = 0; i <= bytes.length - pattern.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}
