import { randomUUID } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { CameraEvent, Detection, LineCrossing } from '../detection.js';
import type { MotionResult } from '../motion-result.js';
import type { Clock } from '../time/clock.js';
import { type CameraSettings, type Command, heldSettings } from './commands.js';
import type { CountedLine } from './homeassistant.js';
import {
  type CameraContext,
  type CameraState,
  type ClassScore,
  type FrameRef,
  type LineTotals,
  type ModelRef,
  PayloadWriter,
} from './payloads.js';
import { MinInterval } from './rate-limit.js';
import type { MessageKind } from './stats.js';
import { type CameraTopics, cameraTopics } from './topics.js';

/**
 * One camera's publishing: its topics and payload head, built once, its rate limits, and the
 * retained state message of its live settings (which belong to whoever runs the camera).
 */

/** A camera's payload context besides device and camera. */
export interface CameraInfo {
  readonly model: ModelRef;
  readonly image: { readonly width: number; readonly height: number };
  /** Labels the model can report (Home Assistant gets a sensor per label). */
  readonly labels?: readonly string[];
  /** Its counting lines (Home Assistant gets their totals and a reset button). */
  readonly lines?: readonly CountedLine[];
  /** Whether the camera detects motion (Home Assistant gets a motion sensor). */
  readonly motion?: boolean;
  /** The camera's live settings and what its commands act on (default: settings it keeps itself). */
  readonly settings?: CameraSettings;
}

/** A camera's limits on per-frame messages, from the mqtt section of the config. */
export interface CameraLimits {
  /** mqtt.detections.enabled: per-frame messages at all. */
  readonly detectionsEnabled: boolean;
  readonly detectionsLimit: MinInterval;
  readonly edgesLimit: MinInterval;
  readonly detectionsQos: 0 | 1;
}

/** What a camera publisher sends through (the MqttPublisher's outbox, window and discovery). */
export interface CameraChannels {
  /** A message that may be skipped (QoS 0/1, no outbox): false when it was. */
  send(kind: MessageKind, topic: string, payload: string | Buffer, qos: 0 | 1, retain: boolean): boolean;
  /**
   * Appends to the outbox; resolves when it is on disk. A droppable message (a snapshot) gives way
   * to events and to a newer one on its topic.
   */
  enqueue(topic: string, payload: string | Buffer, retain: boolean, droppable: boolean): Promise<void>;
  /** The camera's labels changed: Home Assistant discovery follows. */
  labelsChanged(): void;
}

/** What a camera publisher is built from besides its id and info. */
export interface CameraPublisherParts {
  readonly device: string;
  /** edgecam's topic prefix. */
  readonly prefix: string;
  readonly clock: Clock;
  readonly limits: CameraLimits;
  readonly channels: CameraChannels;
}

/** The rate limits and QoS of a camera's per-frame messages, as the config's mqtt section sets them. */
export function cameraLimits(mqtt: Config['mqtt'], clock: Clock): CameraLimits {
  return {
    detectionsEnabled: mqtt.detections.enabled,
    detectionsLimit: new MinInterval(mqtt.detections.maxRate > 0 ? 1000 / mqtt.detections.maxRate : 0, clock),
    edgesLimit: new MinInterval(mqtt.edges.interval * 1000, clock),
    detectionsQos: mqtt.detections.qos as 0 | 1,
  };
}

/** Motion turns off this long after the last frame with motion (one still frame is not the end of it). */
export const MOTION_OFF_DELAY_MS = 2000;
/** While motion is on, its regions are published at most this often. */
const MOTION_INTERVAL_MS = 1000;

/**
 * One camera's publishing.
 * @example const front = publisher.camera('front', { model: { name: 'signs', version: '1' }, image: { width: 640, height: 480 } })
 */
export class CameraPublisher {
  readonly topics: CameraTopics;
  #writer: PayloadWriter;
  readonly #context: Omit<CameraContext, 'model' | 'image'>;
  readonly #clock: Clock;
  #limits: CameraLimits;
  readonly #channels: CameraChannels;
  #settings: CameraSettings;
  #labels: readonly string[];
  #lines: readonly CountedLine[];
  #detectsMotion: boolean;
  #motionOn: boolean | undefined;
  #lastMovingAt = Number.NEGATIVE_INFINITY;
  readonly #motionLimit: MinInterval;
  #stateSeq = 0;
  #countsSeq = 0;
  /** The state last published, if any. */
  #published: CameraState | undefined;

  constructor(
    readonly id: string,
    info: CameraInfo,
    parts: CameraPublisherParts,
  ) {
    this.topics = cameraTopics(parts.prefix, id);
    this.#context = { device: parts.device, camera: id };
    this.#writer = new PayloadWriter({ ...this.#context, model: info.model, image: info.image });
    this.#clock = parts.clock;
    this.#limits = parts.limits;
    this.#channels = parts.channels;
    this.#settings = info.settings ?? heldSettings();
    this.#labels = info.labels ?? [];
    this.#lines = info.lines ?? [];
    this.#detectsMotion = info.motion ?? false;
    this.#motionLimit = new MinInterval(MOTION_INTERVAL_MS, parts.clock);
  }

  /** Writes this camera's payloads (its head built once per model and frame size). */
  get writer(): PayloadWriter {
    return this.#writer;
  }

  /**
   * Takes the info of the camera started again (a reload that restarted it may have changed its
   * model or frame size): the payload head is built anew, Home Assistant follows new labels, and
   * new settings take over.
   */
  update(info: CameraInfo): void {
    this.#writer = new PayloadWriter({ ...this.#context, model: info.model, image: info.image });
    const labels = info.labels;
    const changed =
      labels !== undefined &&
      (labels.length !== this.#labels.length || labels.some((l, i) => l !== this.#labels[i]));
    const lines = info.lines ?? [];
    const linesChanged = JSON.stringify(lines) !== JSON.stringify(this.#lines);
    this.#lines = lines;
    const motionChanged = (info.motion ?? false) !== this.#detectsMotion;
    this.#detectsMotion = info.motion ?? false;
    if (changed) this.setLabels(labels);
    else if (motionChanged || linesChanged) this.#channels.labelsChanged();
    if (info.settings !== undefined) this.setSettings(info.settings);
  }

  /** The camera's live settings, as their owner has them now. */
  get state(): CameraState {
    return this.#settings.state;
  }

  /** Whether the camera detects motion (Home Assistant gets a motion binary sensor). */
  get detectsMotion(): boolean {
    return this.#detectsMotion;
  }

  get labels(): readonly string[] {
    return this.#labels;
  }

  get lines(): readonly CountedLine[] {
    return this.#lines;
  }

  /** Sets the labels the model reports (Home Assistant gets a count and an occupancy sensor per label). */
  setLabels(labels: readonly string[]): void {
    this.#labels = [...labels];
    this.#channels.labelsChanged();
  }

  /**
   * Hands the camera's settings to a new owner (a camera started again keeps its publisher), and
   * publishes them when they differ from the retained state.
   */
  setSettings(settings: CameraSettings): void {
    this.#settings = settings;
    const before = this.#published;
    const now = settings.state;
    if (before !== undefined && (before.enabled !== now.enabled || before.threshold !== now.threshold))
      this.publishState();
  }

  /**
   * Takes the per-frame limits of a reloaded config (mqtt.detections and mqtt.edges apply live);
   * the camera keeps its topics, its Home Assistant entities and its retained state.
   */
  setLimits(mqtt: Config['mqtt']): void {
    this.#limits = cameraLimits(mqtt, this.#clock);
  }

  /** One processed frame's detections (QoS mqtt.detections.qos, at most maxRate a second, none when disabled); false when skipped. */
  detections(frame: FrameRef, detections: readonly Detection[], inferenceMs: number): boolean {
    if (!this.#limits.detectionsEnabled || !this.#limits.detectionsLimit.take()) return false;
    const payload = this.#writer.detections(frame, detections, inferenceMs);
    return this.#channels.send(
      'detections',
      this.topics.detections,
      payload,
      this.#limits.detectionsQos,
      false,
    );
  }

  /** One processed frame's top-k classes (same QoS and rate as detections); false when skipped. */
  classification(frame: FrameRef, top: readonly ClassScore[], inferenceMs: number): boolean {
    if (!this.#limits.detectionsEnabled || !this.#limits.detectionsLimit.take()) return false;
    const payload = this.#writer.classification(frame, top, inferenceMs);
    return this.#channels.send(
      'classification',
      this.topics.classification,
      payload,
      this.#limits.detectionsQos,
      false,
    );
  }

  /**
   * A frame's motion, retained (QoS 1): published when it turns on or off (off once no frame has
   * moved for MOTION_OFF_DELAY_MS), and while on when it moves, at most once a second; false when
   * nothing was sent.
   */
  motion(frame: FrameRef, motion: MotionResult): boolean {
    const now = this.#clock.now();
    if (motion.moving) this.#lastMovingAt = now;
    const on = now - this.#lastMovingAt < MOTION_OFF_DELAY_MS;
    const changed = on !== this.#motionOn;
    if (!changed && !(on && motion.moving && this.#motionLimit.take())) return false;
    const sent = this.#channels.send(
      'motion',
      this.topics.motion,
      this.#writer.motion(frame, on, motion),
      1,
      true,
    );
    // Unsent (offline), the change is tried again with the next frame.
    if (sent) this.#motionOn = on;
    return sent;
  }

  /** Whether an edge map would be published now (so that the caller encodes one only then). */
  edgesDue(): boolean {
    return this.#limits.edgesLimit.take();
  }

  /** An encoded edge map (PNG or JPEG bytes); call when edgesDue() said true. */
  edges(image: Buffer): boolean {
    return this.#channels.send('edges', this.topics.edges, image, 0, false);
  }

  /** A label's or an object's event, through the outbox (QoS 1); resolves with its id once it is on disk. */
  async event(event: CameraEvent): Promise<string> {
    const id = randomUUID();
    await this.#channels.enqueue(this.topics.events, this.#writer.event(id, event), false, false);
    return id;
  }

  /** A crossing of a counting line, through the outbox (QoS 1); resolves with its id once it is on disk. */
  async count(crossing: LineCrossing): Promise<string> {
    const id = randomUUID();
    await this.#channels.enqueue(this.topics.count, this.#writer.count(id, crossing), false, false);
    return id;
  }

  /** A line's totals, retained, through the outbox (QoS 1), in order with its counts. */
  async counts(line: string, totals: LineTotals): Promise<void> {
    const payload = this.#writer.counts(this.#countsSeq++, this.#clock.now(), line, totals);
    await this.#channels.enqueue(`${this.topics.countsPrefix}${line}`, payload, true, false);
  }

  /**
   * The annotated JPEG of the latest event, through the outbox, retained; droppable: it replaces
   * one still waiting, and gives way to events when the outbox is full.
   */
  async snapshot(jpeg: Buffer): Promise<void> {
    await this.#channels.enqueue(this.topics.snapshot, jpeg, true, true);
  }

  /**
   * Hands a validated command to the camera's settings, then publishes the state (also when their
   * owner threw, as the command may have changed part of it); returns the state after it.
   */
  command(command: Command): CameraState {
    try {
      this.#settings.command(command);
    } finally {
      this.publishState();
    }
    return this.state;
  }

  /** Publishes the live settings, retained (QoS 1). */
  publishState(): void {
    const state = this.#settings.state;
    const payload = this.#writer.state(this.#stateSeq++, this.#clock.now(), state);
    if (this.#channels.send('state', this.topics.state, payload, 1, true)) this.#published = state;
  }
}
