/** Where progress goes: process.stderr, or a test's recorder. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  readonly stream?: ProgressStream;
  /** Milliseconds since some origin; injected so tests are exact. */
  readonly now?: () => number;
  /** Without a terminal: one line at most this often (and one at the end). */
  readonly lineEveryMs?: number;
}

/** Reports progress of a long command. */
export interface Progress {
  update(done: number, total: number): void;
  /** Ends the bar (a newline on a terminal). */
  finish(): void;
}

const BAR = 30;
// A terminal redraw at most this often: cheap, and the bar still looks live.
const REDRAW_MS = 100;

/**
 * A progress bar on a terminal (redrawn in place), periodic plain lines otherwise (logs, CI, pipes).
 * @example const p = createProgress('calibrating'); p.update(10, 256); p.finish();
 */
export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const every = tty ? REDRAW_MS : (options.lineEveryMs ?? 10_000);
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  let lastText = '';
  const render = (done: number, total: number) => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    const stats = `${done}/${total} (${pct}%), ${rate.toFixed(1)}/s${done < total ? `, ${eta} s left` : `, ${elapsed.toFixed(1)} s`}`;
    if (!tty) return `${label}: ${stats}\n`;
    const filled = total > 0 ? Math.round((done / total) * BAR) : BAR;
    return `\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${stats}\u001b[K`;
  };
  return {
    update(done, total) {
      const t = now();
      if (done < total && t - last < every) return;
      last = t;
      lastText = render(done, total);
      stream.write(lastText);
      drawn = true;
    },
    finish() {
      if (tty && drawn) stream.write('\n');
    },
  };
}

/**
 * Runs `work` with a progress bar it reports to, and finishes the bar however the work ends.
 * @example const r = await withProgress('evaluating', (onProgress) => evaluateModel({ model, data, onProgress }));
 */
export async function withProgress<T>(
  label: string,
  work: (onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const progress = createProgress(label);
  try {
    return await work((done, total) => progress.update(done, total));
  } finally {
    progress.finish();
  }
}
