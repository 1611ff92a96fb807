import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { createThrottledReader, readThermalZones } from './system.js';

/**
 * The metric set every stage shares, on one prom-client Registry that /metrics serves. Label
 * sets are bound once per camera (metrics.camera(id)), so the per-frame cost is an add.
 */

/** The pipeline stages whose latency is measured. */
export const STAGES = ['capture', 'decode', 'kernels', 'inference', 'postprocess', 'publish'] as const;
export type Stage = (typeof STAGES)[number];

/** One camera's metrics, label values bound. */
export interface CameraMetrics {
  readonly captured: { inc(n?: number): void };
  readonly decoded: { inc(n?: number): void };
  readonly dropped: { inc(n?: number): void };
  readonly corrupt: { inc(n?: number): void };
  readonly fps: { set(value: number): void };
  /** Seconds a stage took for one frame. */
  readonly stage: Readonly<Record<Stage, { observe(seconds: number): void }>>;
  /** Seconds from capture to published. */
  readonly endToEnd: { observe(seconds: number): void };
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
  // Every metric registers on this registry; the helpers keep each definition to its name and help.
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });

  const framesCaptured = counter('edgecam_frames_captured_total', 'Frames a camera delivered.', ['camera']);
  const framesDecoded = counter('edgecam_frames_decoded_total', 'Frames decoded to pixels.', ['camera']);
  const framesDropped = counter(
    'edgecam_frames_dropped_total',
    'Frames skipped because processing was busy (latest frame wins).',
    ['camera'],
  );
  const framesCorrupt = counter('edgecam_frames_corrupt_total', 'Frames that could not be decoded.', [
    'camera',
  ]);
  const stageSeconds = histogram('edgecam_stage_duration_seconds', 'Time one frame spent in a stage.', [
    'camera',
    'stage',
  ]);
  const endToEndSeconds = histogram(
    'edgecam_frame_latency_seconds',
    'Time from capture to published, per frame.',
    ['camera'],
  );
  const fps = gauge('edgecam_fps', 'Frames processed per second, recent average.', ['camera']);
  const inferenceInfo = gauge(
    'edgecam_inference_info',
    'The inference provider and model in use (value 1).',
    ['provider', 'model', 'version'],
  );
  const mqttConnected = gauge('edgecam_mqtt_connected', '1 while connected to the MQTT broker.');
  const mqttPublished = counter(
    'edgecam_mqtt_messages_published_total',
    'MQTT messages published (QoS 1: acknowledged by the broker).',
    ['kind'],
  );
  const mqttFailed = counter(
    'edgecam_mqtt_messages_failed_total',
    'MQTT messages not published: offline, backpressure (window full), rejected by the broker, error.',
    ['kind', 'reason'],
  );
  const mqttCommands = counter(
    'edgecam_mqtt_commands_total',
    'Messages on the command topics, accepted or rejected as invalid.',
    ['result'],
  );
  const outboxDepth = gauge('edgecam_outbox_messages', 'Messages waiting in the persistent outbox.');
  const outboxBytes = gauge('edgecam_outbox_bytes', 'Bytes waiting in the outbox.');
  const outboxDropped = counter(
    'edgecam_outbox_dropped_total',
    'Outbox messages dropped, oldest first, past mqtt.outbox.maxMessages or maxBytes.',
  );
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
  const boardThrottled = new Gauge({
    name: 'edgecam_board_throttled',
    help: 'Raspberry Pi throttling flags (vcgencmd get_throttled; 0 is healthy); absent elsewhere.',
    registers,
    async collect() {
      const flags = await throttled();
      if (flags === null) this.reset();
      else this.set(Number.parseInt(flags, 16));
    },
  });
  mqttConnected.set(0);

  const cameras = new Map<string, CameraMetrics>();
  return {
    registry,
    framesCaptured,
    framesDecoded,
    framesDropped,
    framesCorrupt,
    stageSeconds,
    endToEndSeconds,
    fps,
    inferenceInfo,
    mqttConnected,
    mqttPublished,
    mqttFailed,
    mqttCommands,
    outboxDepth,
    outboxBytes,
    outboxDropped,
    boardTemperature,
    boardThrottled,
    /** A camera's metrics with the label bound (made once, then reused). */
    camera(id: string): CameraMetrics {
      let bound = cameras.get(id);
      if (bound === undefined) {
        const stage = {} as Record<Stage, { observe(seconds: number): void }>;
        for (const s of STAGES) stage[s] = stageSeconds.labels(id, s);
        bound = {
          captured: framesCaptured.labels(id),
          decoded: framesDecoded.labels(id),
          dropped: framesDropped.labels(id),
          corrupt: framesCorrupt.labels(id),
          fps: fps.labels(id),
          stage,
          endToEnd: endToEndSeconds.labels(id),
        };
        cameras.set(id, bound);
      }
      return bound;
    },
    /** Records the inference provider and model (one series at a time). */
    setInference(provider: string, model: string, version: string): void {
      inferenceInfo.reset();
      inferenceInfo.set({ provider, model, version }, 1);
    },
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
  };
}
