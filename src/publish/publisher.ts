import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { type Logger, pino } from 'pino';
import type { Config } from '../config/schema.js';
import type { Detection, PresenceEvent } from '../detection.js';
import { EdgecamError, isEdgecamError } from '../errors.js';
import { Backoff, doublingBackoff } from '../time/backoff.js';
import { type Clock, systemClock } from '../time/clock.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker.js';
import { applyCommand, type Command, parseCommand } from './commands.js';
import { connectOptions } from './connect-options.js';
import { discoveryMessages, readPublishedTopics, writePublishedTopics } from './homeassistant.js';
import { MqttConnection } from './mqtt.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { OutboxPump } from './outbox-pump.js';
import {
  type CameraContext,
  type CameraState,
  type ClassScore,
  type FrameRef,
  type HealthReport,
  healthPayload,
  type ModelRef,
  PayloadWriter,
} from './payloads.js';
import { MinInterval } from './rate-limit.js';
import { type MessageKind, noStats, type PublishStats } from './stats.js';
import {
  type CameraTopics,
  cameraTopics,
  deviceName,
  deviceTopics,
  parseCommandTopic,
  topicPrefix,
} from './topics.js';
import { EDGECAM_VERSION } from './version.js';

/**
 * The publish stage: one MQTT connection that stays up, the topics and payloads, the outbox for
 * what must not be lost, command topics, Home Assistant discovery and the embedded broker for the
 * zero-configuration default. The daemon makes one, adds a CameraPublisher per camera, and calls
 * stop() on the way out.
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

/** A camera's payload context besides device and camera. */
export interface CameraInfo {
  readonly model: ModelRef;
  readonly image: { readonly width: number; readonly height: number };
  /** Labels the model can report (Home Assistant gets a sensor per label). */
  readonly labels?: readonly string[];
  /** Settings at start (enabled, threshold 0.5 unless given). */
  readonly state?: CameraState;
}

/** Handles a validated command (the publisher has already updated and published the state). */
export type CommandHandler = (command: Command, state: CameraState) => void;

/** Unconfirmed QoS 0/1 publishes (detections, edges, health) at a time; past it a message is skipped. */
const VOLATILE_WINDOW = 256;

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
  #volatile = 0;
  #commandHandler: CommandHandler = () => {};
  #healthSeq = 0;
  /** Cancels the next health report. */
  #cancelHealth: (() => void) | undefined;
  #connectWaiters: (() => void)[] = [];
  #discovery: Promise<void> = Promise.resolve();
  /** Discovery waits for announce(): before it, the camera set is still being built. */
  #announced = false;
  #stopped = false;
  /** The embedded broker, when volatile messages go to it directly (no injected client). */
  readonly #direct: EmbeddedBroker | undefined;

  private constructor(
    options: PublisherOptions,
    names: { device: string; prefix: string; clientId: string; url: string },
    private readonly connection: MqttConnection,
    private readonly outbox: Outbox,
    private readonly pump: OutboxPump,
    private readonly broker: EmbeddedBroker | undefined,
  ) {
    this.device = names.device;
    this.prefix = names.prefix;
    this.clientId = names.clientId;
    this.url = names.url;
    this.topics = deviceTopics(this.prefix);
    this.#stats = options.stats ?? noStats;
    this.#direct = options.connect === undefined ? broker : undefined;
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#clock = options.clock ?? systemClock;
    this.#config = options.config;
  }

  /**
   * Opens the outbox, starts the embedded broker when mqtt.url is "", and starts connecting (in
   * the background: a broker that is down now is retried, and events wait in the outbox).
   */
  static async start(options: PublisherOptions): Promise<MqttPublisher> {
    const { config } = options;
    const logger = options.logger ?? pino({ level: 'silent' });
    const clock = options.clock ?? systemClock;
    const stats = options.stats ?? noStats;
    const device = deviceName(config.device, options.hostname ?? hostname());
    const prefix = topicPrefix(config.mqtt.topicPrefix, device);
    const clientId = config.mqtt.clientId !== '' ? config.mqtt.clientId : `edgecam-${device}`;
    const status = deviceTopics(prefix).status;
    let broker: EmbeddedBroker | undefined;
    let url = config.mqtt.url;
    if (url === '') {
      broker = await startEmbeddedBroker({ ...config.mqtt.broker, logger });
      url = broker.url;
      logger.info(
        { url, subscribe: `mosquitto_sub -h ${broker.host} -p ${broker.port} -t '${prefix}/#' -v` },
        'embedded MQTT broker started (mqtt.url is empty); subscribe to see what edgecam publishes',
      );
    }
    let outbox: Outbox | undefined;
    try {
      const target = await connectOptions({
        mqtt: config.mqtt,
        url,
        clientId,
        statusTopic: status,
        protocolVersion: broker !== undefined ? 4 : (config.mqtt.protocolVersion as 4 | 5),
      });
      await mkdir(config.stateDir, { recursive: true });
      outbox = await Outbox.open(join(config.stateDir, 'outbox'), config.mqtt.outbox);
      const box = outbox;
      const kindOf = (entry: OutboxEntry): MessageKind =>
        entry.topic.endsWith('/snapshot') ? 'snapshot' : 'events';
      const pump = new OutboxPump(box, options.outboxWindow ?? 64, {
        delivered: (entry) => {
          stats.published(kindOf(entry));
          stats.outbox(box.depth, box.bytes);
        },
        rejected: (entry, err) => {
          stats.failed(kindOf(entry), 'rejected');
          logger.warn({ topic: entry.topic, err }, 'the broker refused an outbox message; it is dropped');
        },
        error: (err) => logger.error({ err }, 'reading the outbox failed'),
      });
      box.onDrop = (count) => {
        stats.outboxDropped(count);
        logger.warn(
          {
            dropped: count,
            total: box.dropped,
            maxMessages: box.limits.maxMessages,
            maxBytes: box.limits.maxBytes,
          },
          'outbox full: the oldest messages were dropped (raise mqtt.outbox.maxMessages/maxBytes, or bring the broker back)',
        );
      };
      box.onError = (err) => logger.error({ err }, 'outbox write failed');
      stats.outbox(box.depth, box.bytes);
      let publisher: MqttPublisher | undefined;
      const backoff = new Backoff(
        doublingBackoff(config.mqtt.reconnect.initialDelay * 1000, config.mqtt.reconnect.maxDelay * 1000),
        options.random,
      );
      const connection = new MqttConnection(
        target,
        { backoff, clock, logger, ...(options.connect ? { connect: options.connect } : {}) },
        {
          connected: (client) => {
            if (publisher !== undefined) publisher.#onConnected(client);
          },
          disconnected: () => {
            if (publisher !== undefined) publisher.#onDisconnected();
          },
        },
      );
      publisher = new MqttPublisher(
        options,
        { device, prefix, clientId, url: target.url },
        connection,
        box,
        pump,
        broker,
      );
      if (box.depth > 0)
        logger.info(
          { depth: box.depth, bytes: box.bytes },
          'outbox holds messages from before; they go first',
        );
      connection.start();
      return publisher;
    } catch (err) {
      await outbox?.close();
      await broker?.close();
      throw err;
    }
  }

  /** Whether a broker connection is up. */
  get connected(): boolean {
    return this.connection.connected;
  }

  /** Why the last connection attempt failed (an EdgecamError with a fix), until one succeeds. */
  get lastError() {
    return this.connection.lastError;
  }

  /** The outbox's depth, bytes and drops since start. */
  outboxStatus(): { depth: number; bytes: number; dropped: number } {
    return { depth: this.outbox.depth, bytes: this.outbox.bytes, dropped: this.outbox.dropped };
  }

  /** Resolves when connected (now, or at the next connection). */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.#connectWaiters.push(resolve));
  }

  /** Resolves when the broker has acknowledged everything in the outbox. */
  drained(): Promise<void> {
    return this.pump.idle();
  }

  /**
   * Says every camera is registered: Home Assistant discovery starts (now if connected, and on
   * every connection), and from then on follows camera and label changes. Before it, a restart
   * would briefly remove the entities of cameras not registered yet.
   */
  announce(): void {
    this.#announced = true;
    const client = this.connection.client;
    if (client !== undefined) this.#refreshDiscovery(client);
  }

  /** Resolves when the Home Assistant discovery published so far has been acknowledged. */
  discoveryPublished(): Promise<void> {
    return this.#discovery;
  }

  /** @internal A camera's labels changed. */
  labelsChanged(): void {
    const client = this.connection.client;
    if (client !== undefined) this.#refreshDiscovery(client);
  }

  /** Adds a camera: its topics and payload head are built now, once. */
  camera(id: string, info: CameraInfo): CameraPublisher {
    const existing = this.#cameras.get(id);
    if (existing !== undefined) return existing;
    const { mqtt } = this.#config;
    const camera = new CameraPublisher(this, id, info, {
      detectionsEnabled: mqtt.detections.enabled,
      detectionsLimit: new MinInterval(
        mqtt.detections.maxRate > 0 ? 1000 / mqtt.detections.maxRate : 0,
        this.#clock,
      ),
      edgesLimit: new MinInterval(mqtt.edges.interval * 1000, this.#clock),
      detectionsQos: mqtt.detections.qos as 0 | 1,
    });
    this.#cameras.set(id, camera);
    const client = this.connection.client;
    if (client !== undefined) {
      camera.publishState();
      this.#refreshDiscovery(client);
    }
    return camera;
  }

  /** Removes a camera: its Home Assistant entities go away, its retained state stays. */
  removeCamera(id: string): void {
    if (!this.#cameras.delete(id)) return;
    const client = this.connection.client;
    if (client !== undefined) this.#refreshDiscovery(client);
  }

  /** Sets the handler for validated commands (one; the daemon's). */
  onCommand(handler: CommandHandler): void {
    this.#commandHandler = handler;
  }

  /** Publishes the health report now (retained); the publisher fills in mqtt and outbox. */
  publishHealth(report: Omit<HealthReport, 'mqtt' | 'outbox'>): boolean {
    const payload = healthPayload(this.device, this.#healthSeq++, this.#clock.now(), {
      ...report,
      mqtt: { connected: this.connected },
      outbox: this.outboxStatus(),
    });
    return this.publishVolatile('health', this.topics.health, payload, 0, true);
  }

  /** Publishes `report()` every mqtt.healthInterval seconds until stop(). */
  startHealthReports(report: () => Omit<HealthReport, 'mqtt' | 'outbox'>): void {
    const every = this.#config.mqtt.healthInterval * 1000;
    const tick = () => {
      this.#cancelHealth = this.#clock.setTimeout(tick, every);
      this.publishHealth(report());
    };
    this.#cancelHealth?.();
    this.#cancelHealth = this.#clock.setTimeout(tick, every);
  }

  /**
   * Stops: publishes the retained `offline` status, disconnects, closes the outbox (what is still
   * in it goes at the next start) and the embedded broker.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#cancelHealth?.();
    await this.#discovery;
    // No new outbox sends; acknowledgements of those in flight still remove them.
    this.pump.pause();
    await this.connection.stop(async (client) => {
      await client.publishAsync(this.topics.status, 'offline', { qos: 1, retain: true });
      this.#stats.published('status');
    });
    await this.outbox.close();
    await this.broker?.close();
  }

  /** @internal A message that may be skipped (QoS 0/1, no outbox): false when it was. */
  publishVolatile(
    kind: MessageKind,
    topic: string,
    payload: string | Buffer,
    qos: 0 | 1,
    retain: boolean,
  ): boolean {
    const client = this.connection.client;
    if (client === undefined) {
      this.#stats.failed(kind, 'offline');
      return false;
    }
    // A bounded window: mqtt.js adds a 'drain' listener per publish it cannot write.
    if (this.#volatile >= VOLATILE_WINDOW) {
      this.#stats.failed(kind, 'backpressure');
      return false;
    }
    this.#volatile++;
    const done = (err?: Error) => {
      this.#volatile--;
      if (err) this.#stats.failed(kind, 'error');
      else this.#stats.published(kind);
    };
    // The embedded broker is in this process: hand it the message rather than sending it through
    // the client and a loopback socket (50 to 100 us of main-thread time each, every frame).
    if (this.#direct !== undefined) this.#direct.publish(topic, payload, qos, retain, done);
    else client.publish(topic, payload, { qos, retain }, done);
    return true;
  }

  /** @internal Appends to the outbox; resolves when it is on disk. */
  async enqueue(topic: string, payload: string | Buffer, retain: boolean): Promise<void> {
    await this.outbox.append({ topic, payload, retain });
    this.#stats.outbox(this.outbox.depth, this.outbox.bytes);
  }

  /** @internal */
  get clock(): Clock {
    return this.#clock;
  }

  #onConnected(client: MqttClient): void {
    this.#stats.connected(true);
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
    client.subscribe(this.topics.commands, { qos: 1 }, (err) => {
      if (err)
        this.#logger.error({ err, topic: this.topics.commands }, 'cannot subscribe to the command topics');
    });
    client.publish(this.topics.status, 'online', { qos: 1, retain: true }, (err) => {
      if (err) this.#stats.failed('status', 'error');
      else this.#stats.published('status');
    });
    for (const camera of this.#cameras.values()) camera.publishState();
    this.#refreshDiscovery(client);
    this.pump.resume((entry, done) => {
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
    this.pump.pause();
  }

  #onMessage(topic: string, payload: Buffer): void {
    const target = parseCommandTopic(this.prefix, topic);
    if (target === undefined) return;
    const camera = this.#cameras.get(target.camera);
    let command: Command;
    try {
      if (camera === undefined) {
        const known = [...this.#cameras.keys()].join(', ') || '(none)';
        throw new EdgecamError(
          'EDGECAM_ERR_MQTT_COMMAND',
          `ignored command on ${topic}: no camera "${target.camera}" on this device. Fix: use one of ${known}`,
        );
      }
      command = parseCommand(target.camera, target.setting, payload.toString('utf8'), topic);
    } catch (err) {
      if (!isEdgecamError(err)) throw err;
      this.#stats.command(false);
      this.#logger.warn({ code: err.code, topic }, err.message);
      return;
    }
    const state = camera.apply(command);
    this.#stats.command(true);
    this.#logger.info(
      { camera: command.camera, setting: command.setting, value: command.value },
      'command applied',
    );
    try {
      this.#commandHandler(command, state);
    } catch (err) {
      this.#logger.error({ err, topic }, 'the command handler failed');
    }
  }

  #refreshDiscovery(client: MqttClient): void {
    const ha = this.#config.mqtt.homeAssistant;
    if (!ha.enabled || !this.#announced) return;
    const cameras = [...this.#cameras.values()].map((c) => ({ id: c.id, labels: c.labels }));
    const messages = discoveryMessages({
      haPrefix: ha.prefix,
      device: this.device,
      prefix: this.prefix,
      version: EDGECAM_VERSION,
      cameras,
    });
    // One refresh at a time, in order, so that the recorded topic list matches the broker.
    this.#discovery = this.#discovery
      .then(() => this.#publishDiscovery(client, messages))
      .catch((err: unknown) => this.#logger.error({ err }, 'Home Assistant discovery failed'));
  }

  async #publishDiscovery(client: MqttClient, messages: Map<string, string>): Promise<void> {
    const stateDir = this.#config.stateDir;
    const previous = await readPublishedTopics(stateDir);
    const gone = previous.filter((topic) => !messages.has(topic));
    await Promise.all([
      ...gone.map((topic) => client.publishAsync(topic, '', { qos: 1, retain: true })),
      ...[...messages].map(([topic, config]) => client.publishAsync(topic, config, { qos: 1, retain: true })),
    ]);
    for (let i = 0; i < messages.size + gone.length; i++) this.#stats.published('discovery');
    await writePublishedTopics(stateDir, [...messages.keys()]);
  }
}

interface CameraLimits {
  /** mqtt.detections.enabled: per-frame messages at all. */
  readonly detectionsEnabled: boolean;
  readonly detectionsLimit: MinInterval;
  readonly edgesLimit: MinInterval;
  readonly detectionsQos: 0 | 1;
}

/**
 * One camera's publishing: topics and payload head built once, rate limits, its settings.
 * @example const front = publisher.camera('front', { model: { name: 'signs', version: '1' }, image: { width: 640, height: 480 } })
 */
export class CameraPublisher {
  readonly topics: CameraTopics;
  readonly writer: PayloadWriter;
  #state: CameraState;
  #labels: readonly string[];
  #stateSeq = 0;

  constructor(
    private readonly publisher: MqttPublisher,
    readonly id: string,
    info: CameraInfo,
    private readonly limits: CameraLimits,
  ) {
    this.topics = cameraTopics(publisher.prefix, id);
    const context: CameraContext = {
      device: publisher.device,
      camera: id,
      model: info.model,
      image: info.image,
    };
    this.writer = new PayloadWriter(context);
    this.#state = info.state ?? { enabled: true, threshold: 0.5 };
    this.#labels = info.labels ?? [];
  }

  get state(): CameraState {
    return this.#state;
  }

  get labels(): readonly string[] {
    return this.#labels;
  }

  /** Sets the labels the model reports (Home Assistant gets a count and an occupancy sensor per label). */
  setLabels(labels: readonly string[]): void {
    this.#labels = [...labels];
    this.publisher.labelsChanged();
  }

  /** One processed frame's detections (QoS mqtt.detections.qos, at most maxRate a second, none when disabled); false when skipped. */
  detections(frame: FrameRef, detections: readonly Detection[], inferenceMs: number): boolean {
    if (!this.limits.detectionsEnabled || !this.limits.detectionsLimit.take()) return false;
    const payload = this.writer.detections(frame, detections, inferenceMs);
    return this.publisher.publishVolatile(
      'detections',
      this.topics.detections,
      payload,
      this.limits.detectionsQos,
      false,
    );
  }

  /** One processed frame's top-k classes (same QoS and rate as detections); false when skipped. */
  classification(frame: FrameRef, top: readonly ClassScore[], inferenceMs: number): boolean {
    if (!this.limits.detectionsEnabled || !this.limits.detectionsLimit.take()) return false;
    const payload = this.writer.classification(frame, top, inferenceMs);
    return this.publisher.publishVolatile(
      'classification',
      this.topics.classification,
      payload,
      this.limits.detectionsQos,
      false,
    );
  }

  /** Whether an edge map would be published now (so that the caller encodes one only then). */
  edgesDue(): boolean {
    return this.limits.edgesLimit.take();
  }

  /** An encoded edge map (PNG or JPEG bytes); call when edgesDue() said true. */
  edges(image: Buffer): boolean {
    return this.publisher.publishVolatile('edges', this.topics.edges, image, 0, false);
  }

  /** A presence event, through the outbox (QoS 1); resolves with its id once it is on disk. */
  async event(event: PresenceEvent): Promise<string> {
    const id = randomUUID();
    await this.publisher.enqueue(this.topics.events, this.writer.event(id, event), false);
    return id;
  }

  /** The annotated JPEG of the latest event, through the outbox, retained. */
  async snapshot(jpeg: Buffer): Promise<void> {
    await this.publisher.enqueue(this.topics.snapshot, jpeg, true);
  }

  /** @internal Applies a validated command and publishes the new state. */
  apply(command: Command): CameraState {
    this.#state = applyCommand(this.#state, command);
    this.publishState();
    return this.#state;
  }

  /** @internal Publishes the retained state. */
  publishState(): void {
    const payload = this.writer.state(this.#stateSeq++, this.publisher.clock.now(), this.#state);
    this.publisher.publishVolatile('state', this.topics.state, payload, 1, true);
  }
}
