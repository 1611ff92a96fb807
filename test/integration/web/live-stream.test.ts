// The live view on a running daemon (a file camera, the brightness model, the embedded broker, a
// token and a detection mask) in headless Chromium: the picture is the MJPEG stream, read with the
// token in a header and never in a URL, no snapshot JPEG is polled, the mask is dropped from the
// detections and drawn over the picture, and the page reconnects after the daemon restarts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Browser, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { Daemon } from '../../../src/daemon.js';
import { writeBrightnessModel, writeFrames } from '../daemon/fixtures.js';
import { missingTool } from '../system-tools.js';
import { ARTIFACTS, CHROMIUM, canvasPixels, collectProblems, launchChromium } from './browser.js';

const TOKEN = 's3cret-token';
const auth = { authorization: `Bearer ${TOKEN}` };
// The right half of the frame: the brightness model's 'yield' box (centre 0.75, 0.5) is in it,
// its 'stop' box (centre 0.25, 0.5) is not (test/integration/daemon/fixtures.ts).
const MASK = [
  [
    [0.5, 0],
    [1, 0],
    [1, 1],
    [0.5, 1],
  ],
];

const noChromium = missingTool(CHROMIUM, 'chromium');
let dir: string;
let model: string;
let frames: string;
let daemon: Daemon | undefined;
let browser: Browser;

async function startDaemon(port = 0): Promise<Daemon> {
  const file = join(dir, `edgecam-${port}.yaml`);
  await writeFile(
    file,
    `device: stream-view-test
stateDir: ${join(dir, 'state')}
http: { port: ${port}, token: ${TOKEN} }
mqtt: { broker: { port: 0 }, homeAssistant: { enabled: false } }
inference: { accelerator: cpu }
cameras:
  - id: demo
    source: { kind: file, path: ${frames}, loop: true, pace: realtime }
    fps: 10
    width: 160
    height: 120
    model: ${model}
    mask: ${JSON.stringify(MASK)}
    # The brightness model's boxes are fixed anchors, not objects: on a motion crop they would land
    # elsewhere in the frame (out of the mask). The model runs on every whole frame.
    detect: { mode: always }
`,
  );
  return Daemon.start(await loadConfig({ file, env: {} }), { logger: pino({ level: 'silent' }) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-stream-view-'));
  [model, frames] = await Promise.all([
    writeBrightnessModel(join(dir, 'model')),
    // 3 bright frames, then 3 dark: the picture changes every 0.3 s.
    writeFrames(join(dir, 'frames'), 160, 120, 3, 3),
  ]);
  daemon = await startDaemon();
  if (noChromium === undefined) browser = await launchChromium();
});

beforeEach(({ skip }) => {
  if (noChromium !== undefined) skip(noChromium);
});

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** The page opened with its token, and every request it makes. */
async function openPage(): Promise<{ page: Page; problems: string[]; requests: Request[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
  const problems = collectProblems(page);
  const requests: Request[] = [];
  page.on('request', (r) => requests.push(r));
  await page.goto(`${daemon!.url}/#token=${TOKEN}`);
  return { page, problems, requests };
}

/** How many stream frames the page has drawn for camera demo. */
async function framesDrawn(page: Page): Promise<number> {
  const text = await page.locator('[data-camera="demo"] canvas.frame').getAttribute('data-frames');
  return Number(text ?? '0');
}

/** Resolves once the page has drawn more than `count` frames (the test's timeout catches a hang). */
async function framesPast(page: Page, count: number): Promise<number> {
  const canvas = await page.locator('[data-camera="demo"] canvas.frame').elementHandle();
  await page.waitForFunction(
    ([c, n]) => Number(c!.getAttribute('data-frames') ?? 0) > n,
    [canvas, count] as const,
    {
      polling: 50,
      timeout: 60_000,
    },
  );
  return framesDrawn(page);
}

describe('the live view on a running daemon', () => {
  it('plays the MJPEG stream: frames keep coming and change, with the token in a header, and no frame.jpg is polled', async () => {
    const { page, problems, requests } = await openPage();
    const canvas = page.locator('[data-camera="demo"] canvas.frame');
    // A bright frame and a dark one both reach the canvas: the picture moves.
    const levels = new Set<string>();
    let drawn = 0;
    while (levels.size < 2) {
      drawn = await framesPast(page, drawn);
      const [pixel] = await canvasPixels(canvas, [{ x: 10, y: 10 }]);
      levels.add(pixel![0]! > 128 ? 'bright' : 'dark');
    }
    expect(await framesPast(page, drawn + 3)).toBeGreaterThan(drawn + 3);
    expect(await canvas.evaluate((c) => [c.getAttribute('width'), c.getAttribute('height')])).toEqual([
      '160',
      '120',
    ]);
    expect(await page.locator('[data-camera="demo"] .stream-state').textContent()).toBe('live');

    const streams = requests.filter((r) => new URL(r.url()).pathname === '/api/cameras/demo/stream.mjpeg');
    expect(streams).toHaveLength(1);
    expect(streams[0]!.headers().authorization).toBe(`Bearer ${TOKEN}`);
    // The token travels in no URL, and the page asks for no snapshot JPEG: the stream is the picture.
    expect(requests.filter((r) => r.url().includes(TOKEN))).toEqual([]);
    expect(requests.map((r) => new URL(r.url()).pathname).filter((p) => p.endsWith('.jpg'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('drops masked detections (counted in the metric) and draws the mask over the picture', async () => {
    const status = (await (await fetch(`${daemon!.url}/api/status`, { headers: auth })).json()) as {
      cameras: { masks: unknown; zones: unknown; detections: { label: string }[] }[];
    };
    expect(status.cameras[0]!.masks).toEqual({ detections: MASK, motion: [] });
    expect(status.cameras[0]!.zones).toEqual([]);
    expect(status.cameras[0]!.detections.map((d) => d.label)).not.toContain('yield');
    const metrics = await (await fetch(`${daemon!.url}/metrics`, { headers: auth })).text();
    expect(
      Number(/edgecam_detections_masked_total\{camera="demo"\} (\d+)/.exec(metrics)?.[1]),
    ).toBeGreaterThan(0);

    const { page, problems } = await openPage();
    const card = page.locator('[data-camera="demo"]');
    await framesPast(page, 0);
    const polygon = card.locator('svg.overlays polygon.mask.detections');
    expect(await polygon.getAttribute('points')).toBe('0.5,0 1,0 1,1 0.5,1');
    expect(await card.locator('.legend').allTextContents()).toEqual(['detection mask']);

    // On the screen the mask's half is tinted orange over the gray frame; the other half is gray.
    const picture = card.locator('.picture');
    const box = (await picture.boundingBox())!;
    const shot = await picture.screenshot({ path: fileURLToPath(new URL('live-view-mask.png', ARTIFACTS)) });
    const { data, info } = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const at = (u: number, v: number) => {
      const o = (Math.floor(v * info.height) * info.width + Math.floor(u * info.width)) * 3;
      return [data[o]!, data[o + 1]!, data[o + 2]!];
    };
    expect(info.width).toBe(Math.round(box.width));
    const [masked, open] = [at(0.9, 0.1), at(0.1, 0.1)];
    expect(masked[0]! - masked[2]!, `in the mask: ${masked}`).toBeGreaterThan(40);
    expect(Math.abs(open[0]! - open[2]!), `outside: ${open}`).toBeLessThan(12);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says the stream stopped when the daemon goes away, and plays again once it is back', async () => {
    const { page } = await openPage();
    const state = page.locator('[data-camera="demo"] .stream-state');
    const before = await framesPast(page, 0);
    const port = Number(new URL(daemon!.url).port);
    await daemon!.stop();
    daemon = undefined;
    await state.filter({ hasText: /^stream stopped \(.+\); reconnecting in \d+ s$/ }).waitFor();
    await page.locator('#notice', { hasText: 'Cannot reach edgecam' }).waitFor();

    daemon = await startDaemon(port);
    await state.filter({ hasText: /^live$/ }).waitFor({ timeout: 60_000 });
    expect(await framesPast(page, before)).toBeGreaterThan(before);
    await page.locator('#notice').waitFor({ state: 'hidden' });
    await page.close();
  });
});
