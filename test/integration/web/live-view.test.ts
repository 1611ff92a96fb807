import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import type { HealthServer } from '../../../src/health/http.js';
import { attachLiveView } from '../../../src/web/live-view.js';
import { missingTool } from '../system-tools.js';
import { ARTIFACTS, CHROMIUM, canvasPixels, collectProblems, launchChromium } from './browser.js';
import { startHealthServer } from './health-server.js';
import { SceneSource } from './scene-source.js';

// annotate()'s box colours (Okabe-Ito), by class id.
const BOX_COLOURS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'];
const NOW = 1_735_787_045_000;

let browser: Browser;
const servers: HealthServer[] = [];
const pages: Page[] = [];

const noChromium = missingTool(CHROMIUM, 'chromium');

beforeAll(async () => {
  if (noChromium === undefined) browser = await launchChromium();
});
beforeEach(({ skip }) => {
  if (noChromium !== undefined) skip(noChromium);
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
  for (const server of servers.splice(0)) await server.stop();
});

async function serve(source: SceneSource, token = ''): Promise<HealthServer> {
  const server = await startHealthServer(token);
  servers.push(server);
  attachLiveView(server, source, { now: () => NOW });
  return server;
}

async function open(viewport = { width: 1280, height: 860 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport, colorScheme: 'light' });
  pages.push(page);
  return { page, problems: collectProblems(page) };
}

/** A camera like the daemon reports it, showing synthetic frame `index`. */
async function frontCamera(source: SceneSource, index: number): Promise<Detection[]> {
  source.addCamera('front', {
    fps: 9.8,
    inferenceMs: 12.35,
    provider: 'cpu',
    model: 'signs 1.0.0',
    events: [
      { type: 'start', label: 'stop', at: NOW - 4_000 },
      { type: 'end', label: 'warning', at: NOW - 62_000 },
    ],
  });
  return source.showFrame('front', index, NOW - 80);
}

/** The RGB of pixel (x, y) of the camera's frame as the page drew it (from its stream, on a canvas). */
function pixelsOnPage(page: Page, camera: string, points: { x: number; y: number }[]): Promise<number[][]> {
  return canvasPixels(page.locator(`[data-camera="${camera}"] canvas.frame`), points);
}

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

function distance(a: number[], b: number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe('the live view in Chromium', () => {
  it('loads without console errors, draws the frame with its detection boxes and the edge map, and lists detections and events', async () => {
    const source = new SceneSource();
    const detections = await frontCamera(source, 0);
    source.addCamera('yard', { online: false });
    const server = await serve(source);
    const { page, problems } = await open();

    await page.goto(`${server.url}/`);
    const front = page.locator('[data-camera="front"]');
    await front.locator('canvas.frame[data-frames]').waitFor();
    await front.locator('img.edges[data-at]').waitFor();

    const sizes = await front.locator('canvas.frame, img.edges').evaluateAll((elements) =>
      elements.map((e) => {
        const { width, height, naturalWidth, naturalHeight } = e as unknown as Record<string, number>;
        return e.tagName === 'CANVAS' ? [width, height] : [naturalWidth, naturalHeight];
      }),
    );
    expect(sizes).toEqual([
      [640, 480],
      [640, 480],
    ]);
    expect(await front.locator('.stream-state').textContent()).toBe('live');
    // The middle of each box's left edge, on the page, has the box's colour; the camera's own
    // picture there does not.
    const { width, height } = source.scene;
    const points = detections.map((d) => ({
      x: Math.floor(d.box!.x * width),
      y: Math.floor((d.box!.y + d.box!.h / 2) * height),
    }));
    const drawn = await pixelsOnPage(page, 'front', points);
    const raw = source.scene.render(0);
    detections.forEach((d, i) => {
      const expected = rgb(BOX_COLOURS[d.classId % BOX_COLOURS.length]!);
      const { x, y } = points[i]!;
      const o = (y * width + x) * 3;
      expect(distance(drawn[i]!, expected), `${d.label} box at ${x},${y}: ${drawn[i]}`).toBeLessThan(40);
      expect(distance([raw[o]!, raw[o + 1]!, raw[o + 2]!], expected)).toBeGreaterThan(40);
    });

    const listed = await front.locator('.detections li').allTextContents();
    expect(listed).toEqual(detections.map((d) => `${d.label}${Math.round(d.score * 100)}%`));
    expect(await front.locator('.events li').allTextContents()).toEqual([
      'startstop4 s ago',
      'endwarning1 min ago',
    ]);
    expect(await front.locator('.fps').textContent()).toBe('9.8');
    expect(await front.locator('.inference').textContent()).toBe('12.3 ms');
    expect(await front.locator('.provider').textContent()).toBe('cpu');
    expect(await page.locator('#mqtt').textContent()).toBe('MQTT connected');
    expect(await page.locator('#device').textContent()).toBe('garage-pi');
    expect(await page.locator('[data-camera="yard"] .state').textContent()).toBe('offline');

    // The page down to the end of the first camera (what docs/images/live-view.png shows), and all of it.
    const card = (await front.boundingBox())!;
    const clip = { x: 0, y: 0, width: 1280, height: Math.ceil(card.y + card.height + 12) };
    await page.screenshot({ path: fileURLToPath(new URL('live-view.png', ARTIFACTS)), clip });
    await page.screenshot({ path: fileURLToPath(new URL('live-view-full.png', ARTIFACTS)), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('follows the source: new detections, a new frame, events, MQTT going down, a camera added', async () => {
    const source = new SceneSource();
    await frontCamera(source, 0);
    const server = await serve(source);
    const { page, problems } = await open();
    await page.goto(`${server.url}/`);
    const front = page.locator('[data-camera="front"]');
    await front.locator('canvas.frame[data-frames]').waitFor();

    const later = await source.showFrame('front', 40, NOW - 10);
    source.cameras.get('front')!.status.detections = [{ label: 'no-entry', score: 0.87 }];
    source.cameras.get('front')!.status.events.unshift({ type: 'start', label: 'no-entry', at: NOW - 10 });
    source.mqtt.connected = false;
    source.addCamera('porch', { fps: 1 });

    await front.locator('.detections li', { hasText: 'no-entry87%' }).waitFor();
    // The new frame comes by the stream (its X-Frame-Seq is the synthetic frame's index).
    await front.locator('canvas.frame[data-seq="40"]').waitFor();
    expect(later.length).toBeGreaterThan(0);
    expect(await front.locator('.detections li').allTextContents()).toEqual(['no-entry87%']);
    expect(await front.locator('.events li').first().textContent()).toBe('startno-entryjust now');
    await page.locator('#mqtt', { hasText: 'MQTT disconnected' }).waitFor();
    await page.locator('[data-camera="porch"] .state', { hasText: 'waiting for the first frame' }).waitFor();

    source.cameras.delete('porch');
    await page.locator('[data-camera="porch"]').waitFor({ state: 'detached' });
    expect(problems).toEqual([]);
  });

  it("draws every mask and zone the status carries (motion's too), and redraws them on a reload", async () => {
    const source = new SceneSource();
    await frontCamera(source, 0);
    const status = source.cameras.get('front')!.status;
    status.masks = {
      detections: [
        [
          [0, 0],
          [0.2, 0],
          [0.2, 0.2],
        ],
      ],
      motion: [
        [
          [0.5, 0.5],
          [1, 0.5],
          [1, 1],
          [0.5, 1],
        ],
      ],
    };
    status.zones = [
      {
        name: 'driveway',
        polygon: [
          [0, 0.6],
          [0.4, 0.6],
          [0.4, 1],
        ],
      },
    ];
    status.lines = [
      { name: 'door', from: [0, 0.5], to: [1, 0.5], direction: 'both', counts: { in: 3, out: 1 } },
      { name: 'gate', from: [0.8, 1], to: [0.8, 0], direction: 'in', counts: { in: 0, out: 0 } },
    ];
    const server = await serve(source);
    const { page, problems } = await open();
    await page.goto(`${server.url}/`);
    const front = page.locator('[data-camera="front"]');
    await front.locator('canvas.frame[data-frames]').waitFor();
    const lines = () =>
      front
        .locator('svg.overlays line')
        .evaluateAll((all) =>
          all.map((l) => [
            l.getAttribute('class'),
            ...['x1', 'y1', 'x2', 'y2'].map((k) => Number(Number(l.getAttribute(k)).toFixed(3))),
          ]),
        );
    // Each line and its tick towards the right of from -> to in the picture (y down): below
    // a line drawn left to right, right of one drawn upwards (sideOf's positive side).
    expect(await lines()).toEqual([
      ['line', 0, 0.5, 1, 0.5],
      ['line-tick', 0.5, 0.5, 0.5, 0.535],
      ['line', 0.8, 1, 0.8, 0],
      ['line-tick', 0.8, 0.5, 0.835, 0.5],
    ]);
    const drawn = () =>
      front
        .locator('svg.overlays polygon')
        .evaluateAll((all) =>
          all.map((p) => [p.getAttribute('class'), p.getAttribute('points'), p.textContent]),
        );
    expect(await drawn()).toEqual([
      ['mask detections', '0,0 0.2,0 0.2,0.2', 'detection mask'],
      ['mask motion', '0.5,0.5 1,0.5 1,1 0.5,1', 'motion mask'],
      ['zone', '0,0.6 0.4,0.6 0.4,1', 'zone driveway'],
    ]);
    expect(await front.locator('.legend').allTextContents()).toEqual([
      'detection mask',
      'motion mask',
      'zone',
      'door: in 3 · out 1',
      'gate: in 0',
    ]);

    // A crossing: the next status's totals show in the legend.
    status.lines[0]!.counts = { in: 4, out: 1 };
    await front.locator('.legend[data-line="door"]', { hasText: 'in 4' }).waitFor();

    // A reload that takes the motion mask and the zone away: the page draws what is left.
    status.masks = { detections: status.masks.detections, motion: [] };
    status.zones = [];
    status.lines = [];
    await front.locator('svg.overlays polygon.zone').waitFor({ state: 'detached' });
    expect(await lines()).toEqual([]);
    expect(await drawn()).toEqual([['mask detections', '0,0 0.2,0 0.2,0.2', 'detection mask']]);
    await page.screenshot({ path: fileURLToPath(new URL('live-view-overlays.png', ARTIFACTS)) });
    expect(problems).toEqual([]);
  });

  it('fits a phone held upright: no sideways scrolling, pictures one under the other', async () => {
    const source = new SceneSource();
    await frontCamera(source, 0);
    const server = await serve(source);
    const { page, problems } = await open({ width: 390, height: 844 });
    await page.goto(`${server.url}/`);
    await page.locator('canvas.frame[data-frames]').waitFor();
    const widths = await page
      .locator('html')
      .evaluate((root) => ({ scroll: root.scrollWidth, window: root.ownerDocument.defaultView.innerWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.window);
    const frame = (await page.locator('canvas.frame').boundingBox())!;
    const edges = (await page.locator('img.edges').boundingBox())!;
    expect(frame.width).toBeGreaterThan(300);
    expect(edges.y).toBeGreaterThanOrEqual(frame.y + frame.height);
    await page.screenshot({ path: fileURLToPath(new URL('live-view-phone.png', ARTIFACTS)), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('with http.token: the page opens from #token=..., keeps it out of the address bar, and sends it', async () => {
    const source = new SceneSource();
    await frontCamera(source, 0);
    const server = await serve(source, 's3cret-token');
    const { page, problems } = await open();

    await page.goto(`${server.url}/#token=s3cret-token`);
    await page.locator('[data-camera="front"] canvas.frame[data-frames]').waitFor();
    await page.locator('[data-camera="front"] img.edges[data-at]').waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    expect(await page.locator('#token-form').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('with http.token and none given: asks for it, and shows the cameras once it is typed in', async () => {
    const source = new SceneSource();
    await frontCamera(source, 0);
    const server = await serve(source, 's3cret-token');
    const { page, problems } = await open();

    await page.goto(`${server.url}/`);
    await page.locator('#token-form').waitFor();
    expect(await page.locator('#notice').textContent()).toBe('This edgecam needs its token.');
    await page.locator('#token-input').fill('s3cret-token');
    await page.locator('#token-form button').click();
    await page.locator('[data-camera="front"] canvas.frame[data-frames]').waitFor();
    expect(await page.locator('#notice').isHidden()).toBe(true);
    // The one 401 before the token was typed in is the browser's to report; nothing else.
    expect(problems).toEqual([expect.stringMatching(/401/)]);
  });
});
