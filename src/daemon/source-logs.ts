import type { Logger } from 'pino';
import type { FrameSource } from '../capture/source.js';
import type { CorruptKind } from '../corrupt-kind.js';

/**
 * Logs a camera source's comings and goings, and counts its corrupt frames by reason as they come
 * (rare, unlike frames, whose counts are added per frame).
 * @example logSourceEvents(source, logger, metrics.camera('front').corrupt)
 */
export function logSourceEvents(
  source: FrameSource,
  logger: Logger,
  corrupt: Readonly<Record<CorruptKind, { inc(): void }>>,
): void {
  source.events.on('online', (e) => logger.info(e, `camera "${e.camera}" online`));
  source.events.on('offline', (e) => logger.warn(e, `camera "${e.camera}" offline: ${e.reason}`));
  source.events.on('retry', (e) => logger.debug(e, `camera "${e.camera}" still offline`));
  source.events.on('corrupt', (e) => {
    corrupt[e.kind].inc();
    logger.debug(e, `camera "${e.camera}": a corrupt frame was skipped`);
  });
}
