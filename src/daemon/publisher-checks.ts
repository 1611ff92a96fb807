import { outboxCheck, publishCheck, type Readiness } from '../health/readiness.js';
import type { MqttPublisher } from '../publish/publisher.js';

/**
 * /readyz's checks on the publisher: `mqtt` (connected, the outbox not full) and `outbox` (it
 * can write to disk).
 * @example addPublisherChecks(readiness, publisher, config.mqtt.outbox.maxMessages)
 */
export function addPublisherChecks(
  readiness: Readiness,
  publisher: MqttPublisher,
  maxMessages: number,
): void {
  readiness.add(
    'mqtt',
    publishCheck(() => ({
      connected: publisher.connected,
      depth: publisher.outboxStatus().depth,
      maxMessages,
      ...(publisher.lastError ? { error: publisher.lastError.message } : {}),
    })),
  );
  readiness.add(
    'outbox',
    outboxCheck(() => publisher.outboxStatus()),
  );
}
