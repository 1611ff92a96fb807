import type { Logger } from 'pino';
import { KernelWorker } from '../chains/index.js';
import type { Config } from '../config/schema.js';
import type { DaemonOptions } from '../daemon.js';
import { HealthServer } from '../health/http.js';
import { createMetrics, publishStats } from '../health/metrics.js';
import { createNotifier } from '../health/notify.js';
import { Readiness } from '../health/readiness.js';
import { MqttPublisher } from '../publish/publisher.js';
import { systemClock } from '../time/clock.js';
import { keptSnapshotUrl } from './camera-object-snapshots.js';
import { endEventsLeftOpen } from './open-events-recovery.js';
import { openEventsDir } from './open-events-store.js';

/**
 * Opens the stages every camera shares (health server, MQTT publisher, kernel worker, systemd
 * notifier), each with its closer pushed onto `closers`, in the order a failed start undoes them;
 * once the outbox is open, the events an unclean stop left open get their `end`.
 */
export async function openStages(
  config: Config,
  options: Pick<DaemonOptions, 'clock' | 'env'>,
  logger: Logger,
  closers: (() => Promise<unknown>)[],
) {
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics();
  const readiness = new Readiness();
  const http = await HealthServer.start({ ...config.http, registry: metrics.registry, readiness, logger });
  closers.push(() => http.stop());
  const publisher = await MqttPublisher.start({ config, logger, clock, stats: publishStats(metrics) });
  closers.push(() => publisher.stop());
  // Before any camera runs, so that these ends come before anything new of theirs.
  const unreadable = { inc: () => metrics.openEventsErrors.inc({ op: 'read' }) };
  await endEventsLeftOpen({
    dir: openEventsDir(config.stateDir),
    sink: publisher,
    logger,
    unreadable,
    snapshotOf: (camera, objectId) => keptSnapshotUrl(config, camera, objectId),
  });
  const kernels = new KernelWorker();
  closers.push(() => kernels.close());
  const notifier = await createNotifier(options.env ?? process.env, logger);
  closers.push(async () => notifier.close());
  return { clock, metrics, readiness, http, publisher, kernels, notifier };
}
