import type { MqttClient } from 'mqtt';
import type { EmbeddedBroker } from './broker.js';
import type { MessageKind, PublishStats } from './stats.js';

/**
 * The messages that may be skipped (detections, classifications, edge maps, health, state): QoS 0
 * or 1 without the outbox, at most VOLATILE_WINDOW of them unconfirmed at a time. Past the window,
 * or without a connection, a message is skipped and counted, never queued.
 */

/** Messages sent and not yet confirmed (written, or acknowledged at QoS 1), at most. */
const VOLATILE_WINDOW = 256;

/**
 * The window of unconfirmed messages that may be skipped.
 * @example const window = new VolatileWindow(connection, undefined, stats); window.send('health', topic, payload, 0, true)
 */
export class VolatileWindow {
  #unconfirmed = 0;

  /**
   * @param connection its client while connected
   * @param direct the embedded broker, when messages go to it directly (no injected client)
   */
  constructor(
    private readonly connection: { readonly client: MqttClient | undefined },
    private readonly direct: EmbeddedBroker | undefined,
    private readonly stats: PublishStats,
  ) {}

  /** Publishes a message that may be skipped: false when it was (offline, or the window is full). */
  send(kind: MessageKind, topic: string, payload: string | Buffer, qos: 0 | 1, retain: boolean): boolean {
    const client = this.connection.client;
    if (client === undefined) {
      this.stats.failed(kind, 'offline');
      return false;
    }
    // A bounded window: mqtt.js adds a 'drain' listener per publish it cannot write.
    if (this.#unconfirmed >= VOLATILE_WINDOW) {
      this.stats.failed(kind, 'backpressure');
      return false;
    }
    this.#unconfirmed++;
    const done = (err?: Error) => {
      this.#unconfirmed--;
      if (err) this.stats.failed(kind, 'error');
      else this.stats.published(kind);
    };
    // The embedded broker is in this process: hand it the message rather than sending it through
    // the client and a loopback socket (50 to 100 us of main-thread time each, every frame).
    if (this.direct !== undefined) this.direct.publish(topic, payload, qos, retain, done);
    else client.publish(topic, payload, { qos, retain }, done);
    return true;
  }
}
