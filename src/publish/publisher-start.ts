import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Backoff, doublingBackoff } from '../time/backoff.js';
import { systemClock } from '../time/clock.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
import type { ConnectionOptions, MqttConnection } from './mqtt.js';
import { HELD_BYTES, Outbox, type OutboxEntry } from './outbox.js';
import { OutboxPump } from './outbox-pump.js';
import type { PublisherOptions } from './publisher.js';
import { type MessageKind, noStats } from './stats.js';
import { deviceName, topicPrefix } from './topics.js';

/**
 * What MqttPublisher.start opens before the publisher exists: its names, the embedded broker, the
 * outbox with its pump, and the options of the connection's retries.
 */

/** The names a publisher goes by on the broker. */
export interface PublisherNames {
  readonly device: string;
  /** edgecam's topic prefix. */
  readonly prefix: string;
  readonly clientId: string;
}

/** The parts a publisher is built from. */
export interface PublisherParts {
  readonly connection: MqttConnection;
  readonly outbox: Outbox;
  readonly pump: OutboxPump;
  /** The embedded broker, when mqtt.url is "". */
  readonly broker: EmbeddedBroker | undefined;
}

/** The device name ("" falls back to the host name), the topic prefix and the MQTT client id. */
export function publisherNames(options: PublisherOptions): PublisherNames {
  const { config } = options;
  const device = deviceName(config.device, options.hostname ?? hostname());
  const prefix = topicPrefix(config.mqtt.topicPrefix, device);
  const clientId = config.mqtt.clientId !== '' ? config.mqtt.clientId : `edgecam-${device}`;
  return { device, prefix, clientId };
}

/**
 * Starts the embedded broker (mqtt.url is ""). Logged at debug only: the daemon's "watch MQTT" line
 * says it at info, with the command to watch it, and `edgecam run --announce` prints that before
 * any JSON line.
 */
export async function startBroker(
  config: PublisherOptions['config'],
  logger: Logger,
): Promise<EmbeddedBroker> {
  const broker = await startEmbeddedBroker({ ...config.mqtt.broker, logger });
  logger.debug({ url: broker.url }, 'embedded MQTT broker started (mqtt.url is empty)');
  return broker;
}

/** The backoff, clock and logger of the connection's retries. */
export function connectionOptions(options: PublisherOptions, logger: Logger): ConnectionOptions {
  const { reconnect } = options.config.mqtt;
  const backoff = new Backoff(
    doublingBackoff(reconnect.initialDelay * 1000, reconnect.maxDelay * 1000),
    options.random,
  );
  const clock = options.clock ?? systemClock;
  return { backoff, clock, logger, ...(options.connect ? { connect: options.connect } : {}) };
}

/**
 * Opens the outbox in `<stateDir>/outbox` and its pump (which sends while connected), with what
 * they report going to the stats and the log.
 */
export async function openOutbox(
  options: PublisherOptions,
  logger: Logger,
): Promise<{ outbox: Outbox; pump: OutboxPump }> {
  const { config } = options;
  const stats = options.stats ?? noStats;
  const outbox = await Outbox.open(join(config.stateDir, 'outbox'), config.mqtt.outbox, {
    clock: options.clock ?? systemClock,
  });
  const kindOf = (entry: OutboxEntry): MessageKind => (entry.droppable ? 'snapshot' : 'events');
  const pump = new OutboxPump(outbox, options.outboxWindow ?? 64, {
    delivered: (entry) => {
      stats.published(kindOf(entry));
      stats.outbox(outbox.depth, outbox.bytes);
    },
    rejected: (entry, err) => {
      stats.failed(kindOf(entry), 'rejected');
      logger.warn({ topic: entry.topic, err }, 'the broker refused an outbox message; it is dropped');
    },
    error: (err) => logger.error({ err }, 'reading the outbox failed'),
  });
  outbox.onDrop = (count) => {
    stats.outboxDropped(count);
    logger.warn(
      {
        dropped: count,
        total: outbox.dropped,
        maxMessages: outbox.limits.maxMessages,
        maxBytes: outbox.limits.maxBytes,
      },
      'outbox full: the oldest messages were dropped (raise mqtt.outbox.maxMessages/maxBytes, or bring the broker back)',
    );
  };
  outbox.onDiscard = (kind, reason, count) => {
    stats.outboxRefused(kind, reason, count);
    // A newer snapshot replacing an older one is the ordinary case; losing an event is not.
    if (kind === 'events' && reason === 'memory')
      logger.warn({ reason, count }, 'an event left the outbox undelivered');
  };
  outbox.onError = (err) => logger.error({ err }, 'outbox write failed');
  outbox.onWritable = (fault) => {
    if (fault === undefined)
      logger.info({ dir: outbox.dir }, 'the outbox can write again; held events written');
    else
      logger.error(
        { dir: outbox.dir, err: fault, heldBytes: HELD_BYTES },
        'the outbox cannot write (disk full): events are held in memory until there is room. Fix: free space on the stateDir file system',
      );
  };
  // A disk full at start-up was found before these hooks were set.
  if (outbox.fault !== undefined) outbox.onWritable(new Error(outbox.fault.message));
  stats.outbox(outbox.depth, outbox.bytes);
  if (outbox.depth > 0)
    logger.info(
      { depth: outbox.depth, bytes: outbox.bytes },
      'outbox holds messages from before; they go first',
    );
  return { outbox, pump };
}
