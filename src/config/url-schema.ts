import type * as z from 'zod';

/**
 * Parses `url` for a schema's superRefine: the URL when it parses and its scheme is one of
 * `schemes`, else undefined with the issue ("not a URL", "unsupported URL scheme") added to `ctx`
 * with `fix`. The MQTT broker URL and the camera stream URLs share it.
 * @example const parsed = parseUrlWithScheme(url, ['rtsp', 'rtsps'], 'write e.g. rtsp://...', ctx)
 */
export function parseUrlWithScheme(
  url: string,
  schemes: readonly string[],
  fix: string,
  ctx: z.RefinementCtx<string>,
): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a URL', params: { fix } });
    return undefined;
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (!schemes.includes(scheme)) {
    ctx.addIssue({
      code: 'custom',
      message: `unsupported URL scheme "${scheme}://": expected ${schemes.map((s) => `${s}://`).join(', ')}`,
      params: { fix },
    });
    return undefined;
  }
  return parsed;
}
