import { mkdir } from 'node:fs/promises';
import { type Browser, type ConsoleMessage, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); playwright-core downloads no browser of its own. */
export const CHROMIUM = process.env.TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots are kept for a person to look at (git-ignored). */
export const ARTIFACTS = new URL('../../artifacts/', import.meta.url);

/**
 * Starts headless Chromium with everything that would reach the internet turned off.
 * @example const browser = await launchChromium(); ...; await browser.close()
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Every console error, failed request and uncaught exception of a page, as text. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    const error = req.failure()?.errorText;
    // The page aborts a stream it stops playing (its camera left, the page was hidden): no failure.
    if (error === 'net::ERR_ABORTED' && new URL(req.url()).pathname.endsWith('/stream.mjpeg')) return;
    problems.push(`request failed: ${req.url()} ${error}`);
  });
  return problems;
}

/** A page's canvas as a test reads it (the tests' TypeScript has no DOM types). */
interface PageCanvas {
  width: number;
  height: number;
  readonly ownerDocument: { createElement(tag: 'canvas'): PageCanvas };
  getContext(
    kind: '2d',
    options?: { willReadFrequently: boolean },
  ): {
    drawImage(source: PageCanvas, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray; width: number };
  };
}

/**
 * The RGB of pixels (x, y) of a canvas, in its own pixels. Read from a copy made for reading, so
 * the page's canvas is never read back (Chromium warns when a canvas is read back often).
 * @example await canvasPixels(page.locator('canvas.frame'), [{ x: 0, y: 0 }]) // [[12, 40, 200]]
 */
export function canvasPixels(canvas: Locator, points: { x: number; y: number }[]): Promise<number[][]> {
  return canvas.evaluate((element, at) => {
    const shown = element as unknown as PageCanvas;
    const copy = shown.ownerDocument.createElement('canvas');
    copy.width = shown.width;
    copy.height = shown.height;
    const context = copy.getContext('2d', { willReadFrequently: true });
    context.drawImage(shown, 0, 0);
    const { data, width } = context.getImageData(0, 0, copy.width, copy.height);
    return at.map(({ x, y }) => [...data.slice((y * width + x) * 4, (y * width + x) * 4 + 3)]);
  }, points);
}
