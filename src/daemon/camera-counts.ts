import type { Logger } from 'pino';
import type { CameraConfig } from '../config/schema.js';
import type { LineCrossing } from '../detection.js';
import type { CameraPublisher } from '../publish/camera-publisher.js';
import type { CountedLine } from '../publish/homeassistant.js';
import type { LineTotals } from '../publish/payloads.js';
import type { Clock } from '../time/clock.js';
import { CameraLineTotals } from './line-totals.js';

/**
 * A camera's counting lines as the publisher and Home Assistant see them: name and direction.
 * @example countedLines(camera) // [{ name: 'door', direction: 'both' }]
 */
export function countedLines(camera: CameraConfig): CountedLine[] {
  return Object.entries(camera.lines).map(([name, line]) => ({ name, direction: line.direction }));
}

/** A camera's counting: each crossing published and added to the line's totals. */
export interface LineCounter {
  /** Publishes the crossing (through the outbox), then counts it in its line's totals. */
  crossed(crossing: LineCrossing): Promise<void>;
  /** A line's totals now (undefined for a line the camera does not have). */
  totals(line: string): LineTotals | undefined;
  /** Every line's totals from 0, now (the reset_counts command). */
  reset(): Promise<void>;
  /** Stops the midnight reset and waits for the last write. */
  close(): Promise<void>;
}

/**
 * The counting of a camera's lines (undefined when it has none): their totals read from
 * `stateDir` and published once (retained), file failures logged, the first at warn, the rest at debug.
 * @example const counts = await cameraCounts(config.stateDir, camera, () => publisher, deps); await counts?.crossed(crossing)
 */
export async function cameraCounts(
  stateDir: string,
  camera: CameraConfig,
  publisher: () => CameraPublisher,
  deps: { readonly clock: Clock; readonly logger: Logger },
): Promise<LineCounter | undefined> {
  const lines = Object.keys(camera.lines);
  if (lines.length === 0) return undefined;
  let warned = false;
  const totals = await CameraLineTotals.open({
    stateDir,
    camera: camera.id,
    lines,
    reset: camera.countsReset,
    clock: deps.clock,
    publish: (line, t) => publisher().counts(line, t),
    onError: (err) => {
      const message = `camera "${camera.id}": cannot keep its line totals in stateDir (they go on in memory; a restart would start them from what was kept)`;
      deps.logger[warned ? 'debug' : 'warn']({ err, camera: camera.id }, message);
      warned = true;
    },
  });
  await totals.publishAll();
  return {
    crossed: async (crossing) => {
      await publisher().count(crossing);
      await totals.add(crossing);
    },
    totals: (line) => totals.of(line),
    reset: () => totals.reset(),
    close: () => totals.close(),
  };
}
