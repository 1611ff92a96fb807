import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthServer } from '../../../src/health/http.js';
import { attachLiveView } from '../../../src/web/live-view.js';
import { startHealthServer } from './health-server.js';
import { SceneSource } from './scene-source.js';

const PAGE_FILES = ['index.html', 'live-view.css', 'live-view.js', 'mjpeg-reader.js', 'overlays.js'];
const servers: HealthServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function serve(token = ''): Promise<HealthServer> {
  const server = await startHealthServer(token);
  servers.push(server);
  return server;
}

async function liveView(token = ''): Promise<{ server: HealthServer; source: SceneSource }> {
  const source = new SceneSource(160, 120);
  source.addCamera('front');
  const server = await serve(token);
  attachLiveView(server, source, { now: () => 1_000 });
  return { server, source };
}

describe('the live view routes', () => {
  it('serves the page, its script and styles, with a policy that allows nothing from elsewhere', async () => {
    const { server } = await liveView();
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="live-view.js">');
    for (const [path, type] of [
      ['/live-view.js', 'text/javascript; charset=utf-8'],
      ['/mjpeg-reader.js', 'text/javascript; charset=utf-8'],
      ['/overlays.js', 'text/javascript; charset=utf-8'],
      ['/live-view.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
    }
  });

  it('ships the page in the built package (npm run build copies it to dist/web/page/)', async () => {
    for (const file of PAGE_FILES) {
      const built = await readFile(new URL(`../../../dist/web/page/${file}`, import.meta.url), 'utf8');
      expect(built, file).toBe(
        await readFile(new URL(`../../../src/web/page/${file}`, import.meta.url), 'utf8'),
      );
    }
  });

  it('names no external asset in any of the page files', async () => {
    const dir = new URL('../../../src/web/page/', import.meta.url);
    const files = await readdir(dir);
    expect(files.sort()).toEqual(PAGE_FILES);
    for (const file of files) {
      const text = await readFile(new URL(file, dir), 'utf8');
      // Comments may mention an address; no src=, href=, url() or import may point off the board.
      expect(text, file).not.toMatch(
        /(src|href)=["']?(https?:)?\/\/|url\(\s*["']?(https?:)?\/\/|import .* from ["']https?:/,
      );
    }
  });

  it('answers /api/status with the source status, the server time, and no MQTT password', async () => {
    const { server, source } = await liveView();
    source.mqtt.url = 'mqtts://sensor:hunter2@broker.lan:8883';
    const res = await fetch(`${server.url}/api/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      device: 'garage-pi',
      serverTime: 1_000,
      mqtt: { connected: true, url: 'mqtts://broker.lan:8883' },
      cameras: [{ id: 'front', lastFrameAt: null, detections: [] }],
    });
  });

  it('answers 204 before a camera has a picture, the JPEG and PNG after, 404 for an unknown camera or file', async () => {
    const { server, source } = await liveView();
    expect((await fetch(`${server.url}/cameras/front/frame.jpg`)).status).toBe(204);
    expect((await fetch(`${server.url}/cameras/front/edges.png`)).status).toBe(204);
    await source.showFrame('front', 0, 500);
    const jpeg = await fetch(`${server.url}/cameras/front/frame.jpg`);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await jpeg.arrayBuffer()).equals(source.frameJpeg('front')!)).toBe(true);
    const png = await fetch(`${server.url}/cameras/front/edges.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).equals(source.edgesPng('front')!)).toBe(true);

    const unknown = await fetch(`${server.url}/cameras/back/frame.jpg`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no camera "back"' });
    for (const path of ['/cameras/front/frame.png', '/cameras/front', '/cameras/%E0%A4%A/frame.jpg']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });

  it('answers 304 to an unchanged picture and sends a changed one', async () => {
    const { server, source } = await liveView();
    await source.showFrame('front', 0, 500);
    const url = `${server.url}/cameras/front/edges.png`;
    const etag = (await fetch(url)).headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+-\w+"$/);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    await source.showFrame('front', 1, 600);
    const changed = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('keeps status and pictures behind http.token, and the page itself open', async () => {
    const { server, source } = await liveView('s3cret');
    await source.showFrame('front', 0, 500);
    const bearer = { headers: { authorization: 'Bearer s3cret' } };
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect((await fetch(`${server.url}/live-view.js`)).status).toBe(200);
    for (const path of [
      '/api/status',
      '/cameras/front/frame.jpg',
      '/cameras/front/edges.png',
      '/api/cameras/front/stream.mjpeg',
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(401);
      expect((await fetch(`${server.url}${path}?token=s3cret`)).status, `${path}?token=`).toBe(401);
      const res = await fetch(`${server.url}${path}`, bearer);
      expect(res.status, path).toBe(200);
      await res.body?.cancel(); // the stream's body never ends by itself
    }
  });
});

describe('HealthServer routes ending in *', () => {
  it('match every path under their prefix; an exact route and a longer prefix win', async () => {
    const server = await serve();
    const reply = (text: string) => (_req: unknown, res: { end(t: string): void }) => res.end(text);
    server.route('/cameras/*', reply('any camera'), { open: true });
    server.route('/cameras/front/*', reply('front'), { open: true });
    server.route('/cameras/list', reply('list'), { open: true });
    const text = async (path: string) => (await fetch(`${server.url}${path}`)).text();
    expect(await text('/cameras/back/frame.jpg')).toBe('any camera');
    expect(await text('/cameras/front/frame.jpg?x=1')).toBe('front');
    expect(await text('/cameras/list')).toBe('list');
    expect((await fetch(`${server.url}/camera`)).status).toBe(404);
  });
});
