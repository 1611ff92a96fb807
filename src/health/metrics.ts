import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { CORRUPT_KINDS, type CorruptKind } from '../corrupt-kind.js';
import type { GpuAdapter } from '../gpu-adapter.js';
import { createThrottledReader, readThermalZones } from './system.js';

/**
 * The metric set every stage shares, on one prom-client Registry that /metrics serves. Label
 * sets are bound once per camera (metrics.camera(id)), so the per-frame cost is an add.
 */

/** The pipeline stages whose latency is measured. */
export const STAGES = ['capture', 'decode', 'kernels', 'inference', 'postprocess', 'publish'] as const;
export type Stage = (typeof STAGES)[number];

/** What a camera's object snapshot store does that can fail: read its folder at start, encode, write, delete. */
export const OBJECT_SNAPSHOT_OPS = ['index', 'encode', 'write', 'remove'] as const;
export type ObjectSnapshotOp = (typeof OBJECT_SNAPSHOT_OPS)[number];

/** One camera's metrics, label values bound. */
export interface CameraMetrics {
  readonly captured: { inc(n?: number): void };
  readonly decoded: { inc(n?: number): void };
  readonly dropped: { inc(n?: number): void };
  /** Frames skipped as corrupt, by reason. */
  readonly corrupt: Readonly<Record<CorruptKind, { inc(n?: number): void }>>;
  readonly fps: { set(value: number): void };
  /** Seconds a stage took for one frame. */
  readonly stage: Readonly<Record<Stage, { observe(seconds: number): void }>>;
  /** Seconds from capture to published. */
  readonly endToEnd: { observe(seconds: number): void };
  /** Snapshot requests replaced by a later one while an encode was in flight. */
  readonly snapshotsReplaced: { inc(n?: number): void };
  /** Object snapshots not stored because more objects waited than the store holds pending. */
  readonly objectSnapshotsDropped: { inc(n?: number): void };
  /** Object snapshot store failures, by what failed. */
  readonly objectSnapshotErrors: Readonly<Record<ObjectSnapshotOp, { inc(n?: number): void }>>;
  /** MJPEG stream frames encoded, per picture (each once, however many clients watch). */
  readonly streamEncoded: Readonly<Record<'annotated' | 'raw', { inc(n?: number): void }>>;
  /** MJPEG stream frames not written to a client whose socket was backed up. */
  readonly streamSkipped: { inc(n?: number): void };
  /** MJPEG stream clients connected. */
  readonly streamClients: { inc(n?: number): void; dec(n?: number): void };
  /** The share of the picture that changed in the last frame (motion detection). */
  readonly motionShare: { set(value: number): void };
  /** Moving regions in the last frame. */
  readonly motionRegions: { set(value: number): void };
  /** Frames in which something moved. */
  readonly motionFrames: { inc(n?: number): void };
  /** Frames the model did not run on, as nothing moved (detect.mode: motion). */
  readonly inferenceSkipped: { inc(n?: number): void };
  /** Detections dropped by the camera's mask. */
  readonly masked: { inc(n?: number): void };
}

export interface MetricsOptions {
  /** Where the metrics live (a new Registry by default). */
  readonly registry?: Registry;
  /** prom-client's process and Node.js metrics (RSS, heap, event loop lag, GC); default true. */
  readonly processMetrics?: boolean;
  /** Thermal zones root (tests point it at a fixture), default /sys/class/thermal. */
  readonly thermalRoot?: string;
  /** Reads the Pi's throttling flags; default `vcgencmd get_throttled`. */
  readonly throttled?: () => Promise<string | null>;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Creates the metric set.
 * @example const metrics = createMetrics(); const front = metrics.camera('front'); front.captured.inc()
 */
export function createMetrics(options: MetricsOptions = {}) {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const thermalRoot = options.thermalRoot ?? '/sys/class/thermal';
  const throttled = options.throttled ?? createThrottledReader();
  // Registered in this order, which is the order /metrics lists them in.
  const frames = frameMetrics(registers);
  const inferenceInfo = gauge(
    registers,
    'edgecam_inference_info',
    'The inference provider and model in use, with the GPU adapter under WebGPU (value 1).',
    ['provider', 'model', 'version', 'adapter', 'adapter_type'],
  );
  const mqtt = mqttMetrics(registers);
  const outbox = outboxMetrics(registers);
  const openEventsErrors = counter(
    registers,
    'edgecam_open_events_errors_total',
    'Failures of the open-events files in stateDir: read (a file left by an unclean stop that could not be read, set aside as .corrupt), write (a write or heartbeat that failed; the events still went out).',
    ['op'],
  );
  // Both series start at 0, so increase() sees the first failure.
  for (const op of ['read', 'write']) openEventsErrors.inc({ op }, 0);
  const board = boardMetrics(registers, thermalRoot, throttled);
  mqtt.mqttConnected.set(0);

  const cameras = new Map<string, CameraMetrics>();
  return {
    registry,
    ...frames,
    inferenceInfo,
    ...mqtt,
    ...outbox,
    openEventsErrors,
    ...board,
    /** A camera's metrics with the label bound (made once, then reused). */
    camera(id: string): CameraMetrics {
      let bound = cameras.get(id);
      if (bound === undefined) {
        bound = bindCamera(frames, id);
        cameras.set(id, bound);
      }
      return bound;
    },
    /** Records the inference provider and model (one series at a time), and the adapter where there is one. */
    setInference(provider: string, model: string, version: string, adapter: GpuAdapter | null = null): void {
      inferenceInfo.reset();
      const gpu = adapter === null ? {} : { adapter: adapter.device, adapter_type: adapter.type };
      inferenceInfo.set({ provider, model, version, ...gpu }, 1);
    },
  };
}

// Every metric registers on the set's registry; these keep each definition to its name and help.
function counter<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) {
  return new Counter({ name, help, labelNames, registers });
}

function gauge<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) {
  return new Gauge({ name, help, labelNames, registers });
}

function histogram<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) {
  return new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
}

/** The per-camera frame metrics: counts, stage and end-to-end latency, frame rate. */
function frameMetrics(registers: Registry[]) {
  return {
    framesCaptured: counter(registers, 'edgecam_frames_captured_total', 'Frames a camera delivered.', [
      'camera',
    ]),
    framesDecoded: counter(registers, 'edgecam_frames_decoded_total', 'Frames decoded to pixels.', [
      'camera',
    ]),
    framesDropped: counter(
      registers,
      'edgecam_frames_dropped_total',
      'Frames skipped because processing was busy (latest frame wins).',
      ['camera'],
    ),
    framesCorrupt: counter(
      registers,
      'edgecam_frames_corrupt_total',
      'Frames or image files skipped: empty, truncated, undecodable, too_large (past maxPixels), unreadable.',
      ['camera', 'reason'],
    ),
    stageSeconds: histogram(registers, 'edgecam_stage_duration_seconds', 'Time one frame spent in a stage.', [
      'camera',
      'stage',
    ]),
    endToEndSeconds: histogram(
      registers,
      'edgecam_frame_latency_seconds',
      'Time from capture to published, per frame.',
      ['camera'],
    ),
    snapshotsReplaced: counter(
      registers,
      'edgecam_snapshots_replaced_total',
      'Snapshot requests not encoded because a later one replaced them while an encode was in flight (the latest wins).',
      ['camera'],
    ),
    objectSnapshotsDropped: counter(
      registers,
      'edgecam_object_snapshots_dropped_total',
      'Object snapshots not stored because more objects waited for an encode than the store holds pending (the oldest waiting goes).',
      ['camera'],
    ),
    objectSnapshotErrors: counter(
      registers,
      'edgecam_object_snapshots_errors_total',
      'Failures of the object snapshot store in stateDir, by op: index (its folder unreadable at start), encode, write (full disk, read-only), remove (an old one past events.snapshots.keep). Events go on either way.',
      ['camera', 'op'],
    ),
    streamEncoded: counter(
      registers,
      'edgecam_stream_frames_encoded_total',
      'MJPEG stream frames encoded, by picture (annotated or raw): one encode per frame, however many clients watch.',
      ['camera', 'variant'],
    ),
    streamSkipped: counter(
      registers,
      'edgecam_stream_frames_skipped_total',
      'MJPEG stream frames not sent to a client because its connection was still sending the previous one.',
      ['camera'],
    ),
    streamClients: gauge(registers, 'edgecam_stream_clients', 'MJPEG stream clients connected.', ['camera']),
    motionShare: gauge(
      registers,
      'edgecam_motion_share',
      'The share (0..1) of the picture that changed in the last frame, after the lighting fit and outside the motion mask.',
      ['camera'],
    ),
    motionRegions: gauge(registers, 'edgecam_motion_regions', 'Moving regions in the last frame.', [
      'camera',
    ]),
    motionFrames: counter(registers, 'edgecam_motion_frames_total', 'Frames in which something moved.', [
      'camera',
    ]),
    inferenceSkipped: counter(
      registers,
      'edgecam_inference_skipped_total',
      'Frames the model did not run on because nothing moved (detect.mode: motion).',
      ['camera'],
    ),
    detectionsMasked: counter(
      registers,
      'edgecam_detections_masked_total',
      "Detections dropped because their box's centre was inside one of the camera's mask polygons.",
      ['camera'],
    ),
    fps: gauge(
      registers,
      'edgecam_fps',
      'Frames processed per second over the last 5 s, as of the latest frame (0 once the camera stops).',
      ['camera'],
    ),
  };
}

/** The MQTT connection and what was published, failed, or came in on the command topics. */
function mqttMetrics(registers: Registry[]) {
  return {
    mqttConnected: gauge(registers, 'edgecam_mqtt_connected', '1 while connected to the MQTT broker.'),
    mqttPublished: counter(
      registers,
      'edgecam_mqtt_messages_published_total',
      'MQTT messages published (QoS 1: acknowledged by the broker).',
      ['kind'],
    ),
    mqttFailed: counter(
      registers,
      'edgecam_mqtt_messages_failed_total',
      'MQTT messages not published: offline, backpressure (window full), rejected by the broker, error.',
      ['kind', 'reason'],
    ),
    mqttCommands: counter(
      registers,
      'edgecam_mqtt_commands_total',
      'Messages on the command topics: accepted, rejected as invalid, or coalesced (a later one for the same camera and setting replaced it).',
      ['result'],
    ),
  };
}

/** What waits in the persistent outbox, and what it dropped. */
function outboxMetrics(registers: Registry[]) {
  return {
    outboxDepth: gauge(registers, 'edgecam_outbox_messages', 'Messages waiting in the persistent outbox.'),
    outboxBytes: gauge(registers, 'edgecam_outbox_bytes', 'Bytes waiting in the outbox.'),
    outboxDropped: counter(
      registers,
      'edgecam_outbox_dropped_total',
      'Outbox messages dropped, oldest first, past mqtt.outbox.maxMessages or maxBytes.',
    ),
    outboxRefused: counter(
      registers,
      'edgecam_outbox_refused_total',
      'Outbox messages let go undelivered, by kind and reason: superseded (a newer snapshot), budget (the snapshot share is full), full (the outbox is full; snapshots go before events), memory (the disk is full and so is the memory holding events meanwhile).',
      ['kind', 'reason'],
    ),
  };
}

/** The board's temperatures and throttling flags, read when /metrics is scraped. */
function boardMetrics(registers: Registry[], thermalRoot: string, throttled: () => Promise<string | null>) {
  const boardTemperature = new Gauge({
    name: 'edgecam_board_temperature_celsius',
    help: 'Temperature of each thermal zone of the board.',
    labelNames: ['zone'] as const,
    registers,
    async collect() {
      this.reset();
      for (const { zone, celsius } of await readThermalZones(thermalRoot)) this.set({ zone }, celsius);
    },
  });
  let flags: string | null = null;
  const boardThrottled = new Gauge({
    name: 'edgecam_board_throttled',
    help: 'Raspberry Pi throttling flags (vcgencmd get_throttled; 0 is healthy); absent elsewhere.',
    registers,
    async collect() {
      flags = await throttled();
      if (flags !== null) this.set(Number.parseInt(flags, 16));
    },
  });
  // A gauge without labels always has a sample, 0 until set, which would read as a healthy Pi on
  // any board: where the flags cannot be read, it has none (as the temperature has no zones).
  const withSample = boardThrottled.get.bind(boardThrottled);
  boardThrottled.get = async () => {
    const metric = await withSample();
    return flags === null ? { ...metric, values: [] } : metric;
  };
  return { boardTemperature, boardThrottled };
}

/** One camera's frame metrics with its label value bound, so that each frame only adds. */
function bindCamera(frames: ReturnType<typeof frameMetrics>, id: string): CameraMetrics {
  const stage = {} as Record<Stage, { observe(seconds: number): void }>;
  for (const s of STAGES) stage[s] = frames.stageSeconds.labels(id, s);
  const corrupt = {} as Record<CorruptKind, { inc(n?: number): void }>;
  // Each reason's series starts at 0 (not absent), so increase() sees its first skip.
  for (const kind of CORRUPT_KINDS) {
    corrupt[kind] = frames.framesCorrupt.labels(id, kind);
    corrupt[kind].inc(0);
  }
  // Counted from 0, not absent until the first: increase() sees the first frame that moves.
  const motionFrames = frames.motionFrames.labels(id);
  const inferenceSkipped = frames.inferenceSkipped.labels(id);
  motionFrames.inc(0);
  inferenceSkipped.inc(0);
  const objectSnapshotErrors = {} as Record<ObjectSnapshotOp, { inc(n?: number): void }>;
  for (const op of OBJECT_SNAPSHOT_OPS) {
    objectSnapshotErrors[op] = frames.objectSnapshotErrors.labels(id, op);
    objectSnapshotErrors[op].inc(0);
  }
  const objectSnapshotsDropped = frames.objectSnapshotsDropped.labels(id);
  objectSnapshotsDropped.inc(0);
  const masked = frames.detectionsMasked.labels(id);
  masked.inc(0); // 0, not absent, before the first masked detection (as corrupt above)
  return {
    captured: frames.framesCaptured.labels(id),
    decoded: frames.framesDecoded.labels(id),
    dropped: frames.framesDropped.labels(id),
    corrupt,
    fps: frames.fps.labels(id),
    stage,
    endToEnd: frames.endToEndSeconds.labels(id),
    snapshotsReplaced: frames.snapshotsReplaced.labels(id),
    objectSnapshotsDropped,
    objectSnapshotErrors,
    streamEncoded: {
      annotated: frames.streamEncoded.labels(id, 'annotated'),
      raw: frames.streamEncoded.labels(id, 'raw'),
    },
    streamSkipped: frames.streamSkipped.labels(id),
    streamClients: frames.streamClients.labels(id),
    motionShare: frames.motionShare.labels(id),
    motionRegions: frames.motionRegions.labels(id),
    motionFrames,
    inferenceSkipped,
    masked,
  };
}

export type EdgecamMetrics = ReturnType<typeof createMetrics>;

/**
 * The publisher's stats (publish/stats.ts PublishStats) recorded in these metrics.
 * @example await MqttPublisher.start({ config, stats: publishStats(metrics) })
 */
export function publishStats(metrics: EdgecamMetrics) {
  return {
    connected: (up: boolean) => metrics.mqttConnected.set(up ? 1 : 0),
    published: (kind: string) => metrics.mqttPublished.inc({ kind }),
    failed: (kind: string, reason: string) => metrics.mqttFailed.inc({ kind, reason }),
    outbox: (depth: number, bytes: number) => {
      metrics.outboxDepth.set(depth);
      metrics.outboxBytes.set(bytes);
    },
    outboxDropped: (count: number) => metrics.outboxDropped.inc(count),
    command: (accepted: boolean) => metrics.mqttCommands.inc({ result: accepted ? 'accepted' : 'rejected' }),
    commandsCoalesced: (count: number) => metrics.mqttCommands.inc({ result: 'coalesced' }, count),
    outboxRefused: (kind: string, reason: string, count: number) =>
      metrics.outboxRefused.inc({ kind, reason }, count),
  };
}
