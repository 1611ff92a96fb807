import { createHash } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import { type Logger, pino } from 'pino';
import type { Config } from '../config/schema.js';
import { type CameraEvent, isObjectEvent } from '../detection.js';
import { type Clock, systemClock } from '../time/clock.js';
import type { EmbeddedBroker } from './broker.js';
import { type CameraChannels, type CameraInfo, CameraPublisher, cameraLimits } from './camera-publisher.js';
import { type CommandHandler, CommandRouter } from './command-router.js';
import { connectOptions } from './connect-options.js';
import { DiscoveryPublisher } from './discovery-publisher.js';
import { type DaemonHealth, HealthReports } from './health-reports.js';
import { MqttConnection } from './mqtt.js';
import type { Outbox } from './outbox.js';
import type { OutboxPump } from './outbox-pump.js';
import { type CameraContext, type OutboxStatus, PayloadWriter } from './payloads.js';
import {
  connectionOptions,
  openOutbox,
  type PublisherNames,
  type PublisherParts,
  publisherNames,
  startBroker,
} from './publisher-start.js';
import { noStats, type PublishStats } from './stats.js';
import { cameraTopics, deviceTopics } from './topics.js';
import { VolatileWindow } from './volatile-window.js';

/**
 * The publish stage: one MQTT connection that stays up, the topics and payloads, the outbox for
 * what must not be lost, command topics, Home Assistant discovery and the embedded broker for the
 * zero-configuration default. The daemon makes one, adds a CameraPublisher per camera, and calls
 * stop() on the way out. This file wires the parts (one file each) to the connection.
 */

export interface PublisherOptions {
  /** The validated config (device, stateDir and mqtt are read). */
  readonly config: Pick<Config, 'device' | 'stateDir' | 'mqtt'>;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** For reconnect jitter; tests pass a constant. */
  readonly random?: () => number;
  readonly stats?: PublishStats;
  /** Unacknowledged outbox messages at a time (default 64). */
  readonly outboxWindow?: number;
  /** mqtt.connect, injectable. */
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
  /** The host name a "" device falls back to. */
  readonly hostname?: string;
}

/**
 * The MQTT publisher.
 * @example const publisher = await MqttPublisher.start({ config }); const front = publisher.camera('front', { model, image }); front.detections(frame, found, 12)
 */
export class MqttPublisher {
  readonly device: string;
  readonly prefix: string;
  readonly clientId: string;
  /** The broker URL without credentials. */
  readonly url: string;
  readonly topics: ReturnType<typeof deviceTopics>;
  readonly #cameras = new Map<string, CameraPublisher>();
  readonly #stats: PublishStats;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #config: PublisherOptions['config'];
  readonly #connection: MqttConnection;
  readonly #outbox: Outbox;
  readonly #pump: OutboxPump;
  readonly #broker: EmbeddedBroker | undefined;
  readonly #volatile: VolatileWindow;
  readonly #health: HealthReports;
  readonly #discovery: DiscoveryPublisher;
  readonly #commands: CommandRouter;
  /** What each camera publisher sends through. */
  readonly #channels: CameraChannels;
  #connectWaiters: (() => void)[] = [];
  #stopped = false;

  private constructor(
    options: PublisherOptions,
    names: PublisherNames & { readonly url: string },
    parts: PublisherParts,
  ) {
    this.device = names.device;
    this.prefix = names.prefix;
    this.clientId = names.clientId;
    this.url = names.url;
    this.topics = deviceTopics(this.prefix);
    this.#connection = parts.connection;
    this.#outbox = parts.outbox;
    this.#pump = parts.pump;
    this.#broker = parts.broker;
    this.#stats = options.stats ?? noStats;
    this.#clock = options.clock ?? systemClock;
    this.#config = options.config;
    const logger = options.logger ?? pino({ level: 'silent' });
    this.#logger = logger;
    // With an injected client, volatile messages go through it too.
    const direct = options.connect === undefined ? parts.broker : undefined;
    this.#volatile = new VolatileWindow(parts.connection, direct, this.#stats);
    this.#health = new HealthReports({
      device: this.device,
      clock: this.#clock,
      intervalMs: this.#config.mqtt.healthInterval * 1000,
      publisherHealth: () => {
        const { error: _error, ...outbox } = this.outboxStatus();
        return { mqtt: { connected: this.connected }, outbox };
      },
      send: (payload) => this.#volatile.send('health', this.topics.health, payload, 0, true),
    });
    this.#discovery = new DiscoveryPublisher({
      homeAssistant: this.#config.mqtt.homeAssistant,
      stateDir: this.#config.stateDir,
      device: this.device,
      prefix: this.prefix,
      cameras: () => this.#cameras.values(),
      stats: this.#stats,
      logger,
    });
    this.#commands = new CommandRouter(this.prefix, this.#cameras, this.#stats, logger, this.#clock);
    this.#channels = {
      send: (kind, topic, payload, qos, retain) => this.#volatile.send(kind, topic, payload, qos, retain),
      enqueue: (topic, payload, retain, droppable) => this.#enqueue(topic, payload, retain, droppable),
      labelsChanged: () => this.#refreshDiscovery(),
    };
  }

  /**
   * Opens the outbox, starts the embedded broker when mqtt.url is "", and starts connecting (in
   * the background: a broker that is down now is retried, and events wait in the outbox).
   */
  static async start(options: PublisherOptions): Promise<MqttPublisher> {
    const { config } = options;
    const logger = options.logger ?? pino({ level: 'silent' });
    const names = publisherNames(options);
    const broker = config.mqtt.url === '' ? await startBroker(config, logger) : undefined;
    let outbox: Outbox | undefined;
    try {
      const target = await connectOptions({
        mqtt: config.mqtt,
        url: broker?.url ?? config.mqtt.url,
        clientId: names.clientId,
        statusTopic: deviceTopics(names.prefix).status,
        protocolVersion: broker !== undefined ? 4 : (config.mqtt.protocolVersion as 4 | 5),
      });
      const opened = await openOutbox(options, logger);
      outbox = opened.outbox;
      let publisher: MqttPublisher | undefined;
      const connection = new MqttConnection(target, connectionOptions(options, logger), {
        connected: (client) => {
          if (publisher !== undefined) publisher.#onConnected(client);
        },
        disconnected: () => {
          if (publisher !== undefined) publisher.#onDisconnected();
        },
      });
      const parts = { connection, ...opened, broker };
      publisher = new MqttPublisher(options, { ...names, url: target.url }, parts);
      connection.start();
      return publisher;
    } catch (err) {
      await outbox?.close();
      await broker?.close();
      throw err;
    }
  }

  /** Whether edgecam runs the broker itself (mqtt.url is ""). */
  get brokerIsEmbedded(): boolean {
    return this.#broker !== undefined;
  }

  /** Whether a broker connection is up. */
  get connected(): boolean {
    return this.#connection.connected;
  }

  /** Why the last connection attempt failed (an EdgecamError with a fix), until one succeeds. */
  get lastError() {
    return this.#connection.lastError;
  }

  /**
   * The outbox now: depth, bytes, drops and what it let go by reason since start, and whether it
   * can write (with how many entries it holds in memory and why, while it cannot).
   */
  outboxStatus(): OutboxStatus {
    const outbox = this.#outbox;
    const fault = outbox.fault;
    return {
      depth: outbox.depth,
      bytes: outbox.bytes,
      dropped: outbox.dropped,
      refused: outbox.discarded,
      writable: fault === undefined,
      held: fault?.held ?? 0,
      ...(fault === undefined ? {} : { error: fault.message }),
    };
  }

  /** Resolves when connected (now, or at the next connection). */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.#connectWaiters.push(resolve));
  }

  /** Resolves when the broker has acknowledged everything in the outbox. */
  drained(): Promise<void> {
    return this.#pump.idle();
  }

  /**
   * Says every camera is registered: Home Assistant discovery starts (now if connected, and on
   * every connection), and from then on follows camera and label changes. Before it, a restart
   * would briefly remove the entities of cameras not registered yet.
   */
  announce(): void {
    this.#discovery.announce();
    this.#refreshDiscovery();
  }

  /** Resolves when the Home Assistant discovery published so far has been acknowledged. */
  discoveryPublished(): Promise<void> {
    return this.#discovery.published();
  }

  /**
   * Adds a camera: its topics and payload head are built now, once. A camera added again keeps its
   * publisher (and its Home Assistant entities) and takes the new info: model, frame size, labels
   * and live settings.
   */
  camera(id: string, info: CameraInfo): CameraPublisher {
    const existing = this.#cameras.get(id);
    if (existing !== undefined) {
      existing.update(info);
      return existing;
    }
    const camera = new CameraPublisher(id, info, {
      device: this.device,
      prefix: this.prefix,
      clock: this.#clock,
      limits: cameraLimits(this.#config.mqtt, this.#clock),
      channels: this.#channels,
    });
    this.#cameras.set(id, camera);
    if (this.#connection.client !== undefined) {
      camera.publishState();
      this.#refreshDiscovery();
    }
    return camera;
  }

  /**
   * The `end` of an event that a run which stopped uncleanly left open, through the outbox, under
   * the payload head it started with (the camera need not be registered, or exist any more).
   * Resolves with its id once on disk. The id derives from the event, so that the same end
   * published again (a crash before its record was removed) is a redelivery subscribers drop.
   */
  async endLeftOpen(
    camera: string,
    context: Pick<CameraContext, 'model' | 'image'>,
    event: CameraEvent,
  ): Promise<string> {
    const writer = new PayloadWriter({ device: this.device, camera, ...context });
    const digest = createHash('sha256')
      .update(
        JSON.stringify(
          isObjectEvent(event)
            ? [this.device, camera, event.objectId, event.startedAt, event.reason]
            : [this.device, camera, event.label, event.startedAt, event.reason],
        ),
      )
      .digest('hex');
    const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
    await this.#enqueue(cameraTopics(this.prefix, camera).events, writer.event(id, event), false, false);
    return id;
  }

  /** Removes a camera: its Home Assistant entities go away, its retained state stays. */
  removeCamera(id: string): void {
    if (this.#cameras.delete(id)) this.#refreshDiscovery();
  }

  /** Sets the handler that hears each applied command, with the camera's state after it (one). */
  onCommand(handler: CommandHandler): void {
    this.#commands.onCommand(handler);
  }

  /** Publishes the health report now (retained); the publisher fills in mqtt and outbox. */
  publishHealth(report: DaemonHealth): boolean {
    return this.#health.publish(report);
  }

  /** Publishes `report()` every mqtt.healthInterval seconds until stop(). */
  startHealthReports(report: () => DaemonHealth): void {
    this.#health.start(report);
  }

  /**
   * Stops: publishes the retained `offline` status, disconnects, closes the outbox (what is still
   * in it goes at the next start) and the embedded broker.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#health.stop();
    await this.#discovery.published();
    // No new outbox sends; acknowledgements of those in flight still remove them.
    this.#pump.pause();
    await this.#connection.stop(async (client) => {
      await client.publishAsync(this.topics.status, 'offline', { qos: 1, retain: true });
      this.#stats.published('status');
    });
    await this.#outbox.close();
    await this.#broker?.close();
  }

  /** Appends to the outbox; resolves when it is on disk (or held while the disk is full). */
  async #enqueue(
    topic: string,
    payload: string | Buffer,
    retain: boolean,
    droppable: boolean,
  ): Promise<void> {
    await this.#outbox.append({ topic, payload, retain, droppable });
    this.#stats.outbox(this.#outbox.depth, this.#outbox.bytes);
  }

  /** Republishes the discovery configs when connected (the camera set or its labels changed). */
  #refreshDiscovery(): void {
    const client = this.#connection.client;
    if (client !== undefined) this.#discovery.refresh(client);
  }

  #onConnected(client: MqttClient): void {
    this.#stats.connected(true);
    client.on('message', (topic, payload) => this.#commands.route(topic, payload));
    client.subscribe(this.topics.commands, { qos: 1 }, (err) => {
      if (err)
        this.#logger.error({ err, topic: this.topics.commands }, 'cannot subscribe to the command topics');
    });
    client.publish(this.topics.status, 'online', { qos: 1, retain: true }, (err) => {
      if (err) this.#stats.failed('status', 'error');
      else this.#stats.published('status');
    });
    for (const camera of this.#cameras.values()) camera.publishState();
    this.#discovery.refresh(client);
    this.#pump.resume((entry, done) => {
      client.publish(entry.topic, entry.payload, { qos: 1, retain: entry.retain }, (err) =>
        done(err ?? undefined),
      );
    });
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    for (const done of waiters) done();
  }

  #onDisconnected(): void {
    this.#stats.connected(false);
    this.#pump.pause();
  }
}
