import { type Logger, pino } from 'pino';
import sharp from 'sharp';
import type { KernelWorker } from './chains/index.js';
import { configChanges, reloadedConfig } from './config/reload-changes.js';
import type { CameraConfig, Config } from './config/schema.js';
import { BoardReadings } from './daemon/board-readings.js';
import { CameraRuntime, needsRestart, type RuntimeDeps } from './daemon/camera-runtime.js';
import { openStages } from './daemon/open-stages.js';
import { addPublisherChecks } from './daemon/publisher-checks.js';
import { Tasks } from './daemon/tasks.js';
import type { HealthServer } from './health/http.js';
import type { EdgecamMetrics } from './health/metrics.js';
import type { Notifier } from './health/notify.js';
import type { Readiness } from './health/readiness.js';
import { Watchdog } from './health/watchdog.js';
import { collectPeriodically, useFixedHeapGrowth } from './heap-growth.js';
import type { FrameReport } from './pipeline/index.js';
import type { MqttPublisher } from './publish/publisher.js';
import { EDGECAM_VERSION } from './publish/version.js';
import { mosquittoSubCommand } from './publish/watch-command.js';
import type { Clock } from './time/clock.js';
import { within } from './time/within.js';
import { attachLiveView } from './web/live-view.js';
import type { LiveStatus, LiveViewSource } from './web/live-view-source.js';

/**
 * The daemon: the one place that knows every stage. It reads a validated config and wires
 * capture, kernels, inference, the pipeline, MQTT, health, the live view and the systemd
 * watchdog; stop() shuts them down in order; reload() applies a new config (SIGHUP) camera by
 * camera, restarting only cameras whose source or model changed.
 */

export interface DaemonOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Called after each processed frame (the benchmark's hook). */
  readonly onFrame?: (report: FrameReport) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Called once the health server and MQTT are up, before any camera starts (`edgecam run --announce` prints it). */
  readonly onServing?: (where: WhereToLook) => void;
}

/** Where a person looks at a running daemon. */
export interface WhereToLook {
  /** The live view's URL, e.g. http://127.0.0.1:8080/ */
  readonly liveView: string;
  /** A command that prints every message edgecam publishes. */
  readonly watchMqtt: string;
}

/** How long stop() gives each step, so that the whole stop fits in 5 s, well inside the unit's TimeoutStopSec=15. */
const STOP_BUDGET_MS = { cameras: 2000, flush: 1000, publisher: 1000 } as const;

/**
 * @example const daemon = await Daemon.start(await loadConfig({ file })); process.on('SIGTERM', () => daemon.stop())
 */
export class Daemon {
  readonly #config: { current: Config };
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #metrics: EdgecamMetrics;
  readonly #readiness: Readiness;
  readonly #http: HealthServer;
  readonly #publisher: MqttPublisher;
  readonly #kernels: KernelWorker;
  readonly #watchdog: Watchdog;
  readonly #notifier: Notifier;
  readonly #tasks: Tasks;
  readonly #cameras = new Map<string, CameraRuntime>();
  readonly #startedAt: number;
  readonly #onFrame: (report: FrameReport) => void;
  #stopping: Promise<void> | undefined;
  /** Stops the periodic full collection (heap-growth.ts). */
  #stopCollecting: () => void = () => {};
  /** Reloads run one at a time. */
  #reloading: Promise<void> = Promise.resolve();

  private constructor(parts: {
    config: Config;
    logger: Logger;
    clock: Clock;
    metrics: EdgecamMetrics;
    readiness: Readiness;
    http: HealthServer;
    publisher: MqttPublisher;
    kernels: KernelWorker;
    notifier: Notifier;
    tasks: Tasks;
    onFrame: ((report: FrameReport) => void) | undefined;
  }) {
    this.#config = { current: parts.config };
    this.#logger = parts.logger;
    this.#clock = parts.clock;
    this.#metrics = parts.metrics;
    this.#readiness = parts.readiness;
    this.#http = parts.http;
    this.#publisher = parts.publisher;
    this.#kernels = parts.kernels;
    this.#notifier = parts.notifier;
    this.#tasks = parts.tasks;
    this.#startedAt = parts.clock.now();
    const onFrame = parts.onFrame;
    this.#watchdog = new Watchdog({ notifier: parts.notifier, status: () => this.#statusLine() });
    this.#onFrame = (report) => {
      this.#watchdog.progressed();
      onFrame?.(report);
    };
  }

  /**
   * Starts every stage and every enabled camera. Throws (after closing what it opened) when one
   * cannot start: a port in use, a model that does not load, a label filter the model cannot meet.
   */
  static async start(config: Config, options: DaemonOptions = {}): Promise<Daemon> {
    const logger = options.logger ?? pino({ level: config.log.level });
    useFixedHeapGrowth();
    // libvips' operation cache serves repeated work on the same input; every frame is new input, so
    // it would only hold memory (about 50 MB) for nothing.
    sharp.cache(false);
    const closers: (() => Promise<unknown>)[] = [];
    try {
      const stages = await openStages(config, options, logger, closers);
      const daemon = new Daemon({
        ...stages,
        config,
        logger,
        tasks: new Tasks(logger),
        onFrame: options.onFrame,
      });
      daemon.#serve(config, options.onServing);
      await daemon.#startCameras(config, closers);
      daemon.#begin();
      return daemon;
    } catch (err) {
      for (const close of closers.reverse()) {
        await close().catch((closeErr: unknown) =>
          logger.warn({ err: closeErr }, 'cleanup after a failed start'),
        );
      }
      throw err;
    }
  }

  /** Attaches the live view, says where to look (the page, the MQTT topics), and adds the MQTT readiness check. */
  #serve(config: Config, onServing: DaemonOptions['onServing']): void {
    const http = this.#http;
    const publisher = this.#publisher;
    attachLiveView(http, this.liveView);
    const watch = mosquittoSubCommand(publisher.url, publisher.prefix);
    onServing?.({ liveView: `${http.url}/`, watchMqtt: watch });
    this.#logger.info({ url: `${http.url}/` }, `live view: ${http.url}/`);
    const embedded = publisher.brokerIsEmbedded ? ' (the embedded broker: mqtt.url is empty)' : '';
    this.#logger.info({ command: watch, broker: publisher.url }, `watch MQTT: ${watch}${embedded}`);
    addPublisherChecks(this.#readiness, publisher, config.mqtt.outbox.maxMessages);
  }

  /** Starts every enabled camera; the first that cannot start fails the start (closers stop those started). */
  async #startCameras(config: Config, closers: (() => Promise<unknown>)[]): Promise<void> {
    for (const camera of config.cameras) {
      if (!camera.enabled) continue;
      const runtime = await CameraRuntime.start(config, camera, this.#deps());
      this.#cameras.set(camera.id, runtime);
      closers.push(() => runtime.stop());
      this.#recordInference(runtime);
    }
  }

  /** Announces the cameras and starts the health reports, the collector and the watchdog. */
  #begin(): void {
    const publisher = this.#publisher;
    publisher.announce();
    publisher.startHealthReports(() => this.#healthReport());
    this.#stopCollecting = collectPeriodically();
    this.#watchdog.start();
    this.#watchdog.ready();
    this.#logger.info(
      { cameras: [...this.#cameras.keys()], version: EDGECAM_VERSION, device: publisher.device },
      'edgecam running',
    );
  }

  /** The health server's address, e.g. http://127.0.0.1:8080. */
  get url(): string {
    return this.#http.url;
  }

  /** The MQTT topic prefix. */
  get topicPrefix(): string {
    return this.#publisher.prefix;
  }

  /** The running cameras (for the benchmark: their models' info). */
  get cameras(): ReadonlyMap<string, CameraRuntime> {
    return this.#cameras;
  }

  /** What the live view shows. */
  readonly liveView: LiveViewSource = {
    status: () => this.#liveStatus(),
    frameJpeg: (id) => this.#cameras.get(id)?.live.frameJpeg(),
    edgesPng: (id) => this.#cameras.get(id)?.live.edgesPng(),
    watchStream: (id, request, client) => this.#cameras.get(id)?.watchStream(request, client),
    objectJpeg: async (id, objectId) =>
      (await this.#cameras.get(id)?.objectJpeg(objectId)) ?? { found: 'no-camera' },
  };

  /**
   * Applies a new config (SIGHUP): live settings in place, a restart for cameras whose source or
   * model changed, new cameras started, removed ones stopped. Keys that need a process restart
   * (http, mqtt connection, stateDir, device, inference: each key's policy is declared in the
   * schema) are logged and left as they were. A camera that fails to (re)start is logged; the
   * others keep running.
   */
  reload(config: Config): Promise<void> {
    const run = this.#reloading.then(() => this.#reload(config));
    this.#reloading = run.catch(() => undefined);
    return run;
  }

  /**
   * Stops: sources stop, the frame in flight finishes, present events end, the outbox flushes what
   * it can in about a second, `offline` is published (retained), and everything closes.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #reload(config: Config): Promise<void> {
    if (this.#stopping !== undefined) return;
    const before = this.#config.current;
    // Keys whose declared reload policy is `restart` (src/config/reload-policy.ts) keep their running value.
    const ignored = configChanges(before, config)
      .filter((change) => change.policy === 'restart')
      .map((change) => change.path);
    if (ignored.length > 0) {
      this.#logger.warn(
        { keys: ignored },
        `reload: ${ignored.join(', ')} changed; those apply at the next restart`,
      );
    }
    const applied = reloadedConfig(before, config);
    this.#config.current = applied;
    const wanted = new Map(applied.cameras.filter((c) => c.enabled).map((c) => [c.id, c]));
    for (const [id, runtime] of [...this.#cameras]) {
      const next = wanted.get(id);
      if (next === undefined) {
        this.#cameras.delete(id);
        await runtime.stop();
        this.#publisher.removeCamera(id);
        this.#logger.info({ camera: id }, 'reload: camera removed or disabled');
      } else if (needsRestart(runtime.camera, next)) {
        this.#cameras.delete(id);
        await runtime.stop();
        await this.#startCamera(
          applied,
          next,
          'reload: camera restarted (its source or model changed)',
          runtime,
        );
      } else {
        try {
          runtime.apply(applied, next);
          this.#logger.info({ camera: id }, 'reload: camera settings applied');
        } catch (err) {
          this.#logger.error(
            { err, camera: id },
            'reload: the new settings were refused; the camera keeps its old ones',
          );
        }
      }
    }
    for (const [id, camera] of wanted) {
      if (!this.#cameras.has(id)) await this.#startCamera(applied, camera, 'reload: camera added');
    }
    this.#publisher.announce();
  }

  /** Starts a camera (a restarted one keeps the live settings of the `previous` runtime). */
  async #startCamera(
    config: Config,
    camera: CameraConfig,
    message: string,
    previous?: CameraRuntime,
  ): Promise<void> {
    try {
      const runtime = await CameraRuntime.start(config, camera, this.#deps(), previous);
      this.#cameras.set(camera.id, runtime);
      this.#recordInference(runtime);
      this.#logger.info({ camera: camera.id }, message);
    } catch (err) {
      this.#logger.error(
        { err, camera: camera.id },
        `camera "${camera.id}" cannot start: ${(err as Error).message}`,
      );
    }
  }

  async #stop(): Promise<void> {
    const log = this.#logger;
    log.info('stopping');
    this.#watchdog.stop();
    this.#stopCollecting();
    await this.#reloading;
    const step = async (what: string, work: Promise<unknown>, ms: number) => {
      const result = await within(work, ms, this.#clock);
      if (result === 'timeout') log.warn(`stopping: ${what} did not finish within ${ms} ms; going on`);
      else if (result !== 'done') log.error({ err: result }, `stopping: ${what} failed`);
    };
    await step(
      'the cameras',
      Promise.all([...this.#cameras.values()].map((c) => c.stop())),
      STOP_BUDGET_MS.cameras,
    );
    await step('encoding and snapshots', this.#tasks.idle(), STOP_BUDGET_MS.flush);
    if (this.#publisher.connected) {
      await step(
        'flushing the outbox (the rest goes at the next start)',
        this.#publisher.drained(),
        STOP_BUDGET_MS.flush,
      );
    }
    await step('the MQTT publisher', this.#publisher.stop(), STOP_BUDGET_MS.publisher);
    await this.#kernels.close();
    await this.#http.stop();
    this.#notifier.close();
    log.info('stopped');
  }

  #deps(): RuntimeDeps {
    return {
      publisher: this.#publisher,
      kernels: this.#kernels,
      metrics: this.#metrics,
      readiness: this.#readiness,
      logger: this.#logger,
      tasks: this.#tasks,
      clock: this.#clock,
      onFrame: this.#onFrame,
    };
  }

  #liveStatus(): LiveStatus {
    return {
      device: this.#publisher.device,
      uptimeS: Math.round((this.#clock.now() - this.#startedAt) / 1000),
      mqtt: { connected: this.#publisher.connected, url: this.#publisher.url },
      cameras: [...this.#cameras.values()].map((c) => c.status()),
    };
  }

  readonly #board = new BoardReadings();

  #healthReport() {
    this.#board.refresh(this.#tasks);
    const frameTimeout = this.#config.current.http.frameTimeout * 1000;
    const cameras = Object.fromEntries([...this.#cameras].map(([id, c]) => [id, c.health(frameTimeout)]));
    const info = [...this.#cameras.values()].map((c) => c.detector?.info).find((i) => i !== undefined);
    return {
      uptimeS: (this.#clock.now() - this.#startedAt) / 1000,
      version: EDGECAM_VERSION,
      provider: info?.provider ?? null,
      adapter: info?.adapter ?? null,
      temperatureC: this.#board.celsius,
      throttled: this.#board.throttled,
      cameras,
    };
  }

  /** edgecam_inference_info: the provider, adapter and model in use (the last camera with a model started). */
  #recordInference(runtime: CameraRuntime): void {
    const info = runtime.detector?.info;
    if (info !== undefined) this.#metrics.setInference(info.provider, info.name, info.version, info.adapter);
  }

  #statusLine(): string {
    const parts = [...this.#cameras.values()].map((c) => `${c.id} ${c.status().fps.toFixed(1)} fps`);
    return parts.length === 0 ? 'no cameras' : parts.join(', ');
  }
}
