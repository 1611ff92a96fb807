import type { Logger } from 'pino';
import type { EdgecamMetrics } from '../health/metrics.js';
import type { Clock } from '../time/clock.js';
import { type EventContext, OpenEventsStore, openEventsDir } from './open-events-store.js';

/**
 * A camera's open-events store in `stateDir`, whose failures are counted and logged: the first at
 * warn, the rest at debug (a full disk would otherwise log at every start and end).
 * @example const store = cameraOpenEvents(config.stateDir, 'front', () => publisher.writer.context, deps)
 */
export function cameraOpenEvents(
  stateDir: string,
  camera: string,
  context: () => EventContext,
  deps: { readonly clock: Clock; readonly logger: Logger; readonly metrics: EdgecamMetrics },
): OpenEventsStore {
  let warned = false;
  return new OpenEventsStore({
    dir: openEventsDir(stateDir),
    camera,
    context,
    clock: deps.clock,
    onError: (err) => {
      deps.metrics.openEventsErrors.inc({ op: 'write' });
      const message = `camera "${camera}": cannot record its open events in stateDir (they still go out; a crash now would leave them without an end)`;
      deps.logger[warned ? 'debug' : 'warn']({ err, camera }, message);
      warned = true;
    },
  });
}
