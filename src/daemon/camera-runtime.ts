import type { Logger } from 'pino';
import { createSource } from '../capture/create.js';
import type { FrameSource } from '../capture/source.js';
import { CameraKernels, type KernelWorker } from '../chains/index.js';
import { chainFor } from '../config/chains.js';
import { configChanges } from '../config/reload-changes.js';
import type { CameraConfig, Config } from '../config/schema.js';
import { type CameraEvent, type Detection, isObjectEvent, type LineCrossing } from '../detection.js';
import { isEdgecamError } from '../errors.js';
import type { Frame, Image } from '../frame.js';
import type { EdgecamMetrics } from '../health/metrics.js';
import type { Readiness } from '../health/readiness.js';
import type { Detector } from '../inference/detector.js';
import type { MotionDetector } from '../motion/index.js';
import type { MotionResult } from '../motion-result.js';
import { CameraPipeline, type FrameReport, type PipelineSink, type TrackIds } from '../pipeline/index.js';
import type { CameraPublisher } from '../publish/camera-publisher.js';
import { applyCommand, type Command } from '../publish/commands.js';
import type { CameraHealth, CameraState } from '../publish/payloads.js';
import type { MqttPublisher } from '../publish/publisher.js';
import { backoffDelay, doublingBackoff } from '../time/backoff.js';
import type { Clock } from '../time/clock.js';
import { waitOrReachable } from '../time/probed-wait.js';
import type { LiveCameraStatus, StreamClient, StreamRequest, StreamWatch } from '../web/live-view-source.js';
import type { ObjectJpeg } from '../web/object-snapshot-route.js';
import { cameraCounts, countedLines, type LineCounter } from './camera-counts.js';
import { checkLabels, labelsOf, loadModel, modelOf, reloadModel } from './camera-model.js';
import {
  cameraObjectSnapshots,
  objectJpegIn,
  offerSnapshot,
  withSnapshot,
} from './camera-object-snapshots.js';
import { cameraOpenEvents } from './camera-open-events.js';
import { addCameraChecks, cameraHealth, liveCameraStatus } from './camera-reports.js';
import { createMotion, motionSettings, pipelineSettings } from './camera-settings.js';
import { CameraStreams } from './camera-streams.js';
import { encodeImage } from './encode.js';
import { LiveImages } from './live-images.js';
import type { ObjectSnapshots } from './object-snapshots.js';
import type { OpenEventsStore } from './open-events-store.js';
import { CameraSnapshots } from './snapshots.js';
import { SourceCounts } from './source-counts.js';
import { logSourceEvents } from './source-logs.js';
import type { Tasks } from './tasks.js';
import { trackIdsFor } from './track-run.js';

/** A failed camera (or model) is retried after about 1, 2, 4, ... s, then every 30 s. */
const RETRY = doublingBackoff(1000, 30_000);

export interface RuntimeDeps {
  readonly publisher: MqttPublisher;
  readonly kernels: KernelWorker;
  readonly metrics: EdgecamMetrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly tasks: Tasks;
  readonly clock: Clock;
  readonly onFrame: (report: FrameReport) => void;
}

export { needsRestart } from './camera-settings.js';

/**
 * One running camera: its source, model, kernel plans, pipeline and publisher, restarted with
 * backoff when the camera or the model fails, reconfigured live on reload.
 * @example const front = await CameraRuntime.start(config, camera, deps); ...; await front.stop()
 */
export class CameraRuntime {
  readonly id: string;
  readonly live: LiveImages;
  #camera: CameraConfig;
  #config: Config;
  #detector: Detector | undefined;
  /**
   * The camera's live settings: enabled, at the config's threshold, at start; then MQTT commands
   * change them (a reload sets the config's threshold again). The publisher publishes them.
   */
  #live: CameraState;
  #publisher: CameraPublisher;
  readonly #kernels: CameraKernels;
  /** Frame differencing, when the camera detects motion (its enabled restarts the camera). */
  readonly #motion: MotionDetector | undefined;
  readonly #deps: RuntimeDeps;
  readonly #abort = new AbortController();
  #source: FrameSource | undefined;
  #pipeline: CameraPipeline | undefined;
  #loop: Promise<void> = Promise.resolve();
  readonly #sourceCounts: SourceCounts;
  #publishEdges = false;
  /** Event-start and commanded snapshots: rate-limited, encoded one at a time. */
  readonly #snapshots: CameraSnapshots;
  /** The MJPEG streams' shared encoders, one per picture. */
  readonly #streams: CameraStreams;
  /** The events open now, on disk for the next start should this run die (open-events-store.ts). */
  readonly #openEvents: OpenEventsStore;
  /** Track ids of this start of the camera: a pipeline restarted after a failure goes on counting. */
  readonly #trackIds: TrackIds;
  /** Its counting lines' crossings and totals (kept in stateDir), if it has lines. */
  #counts: LineCounter | undefined;
  /** Each object's best snapshot (events.level: object), kept in stateDir; undefined when none are kept. */
  #objects: ObjectSnapshots | undefined;

  private constructor(
    config: Config,
    camera: CameraConfig,
    detector: Detector | undefined,
    deps: RuntimeDeps,
    live: CameraState,
    trackIds: TrackIds,
  ) {
    this.id = camera.id;
    this.#trackIds = trackIds;
    this.#config = config;
    this.#camera = camera;
    this.#detector = detector;
    this.#live = live;
    this.#deps = deps;
    this.live = new LiveImages(deps.clock, deps.tasks);
    this.#sourceCounts = new SourceCounts(deps.metrics.camera(camera.id));
    const chains = { pre: chainFor(config, camera.preprocess), edges: chainFor(config, camera.edges) };
    this.#kernels = new CameraKernels(deps.kernels, camera.id, chains.pre, chains.edges);
    this.#motion = createMotion(camera);
    this.#publisher = this.#register();
    const publisher = this.#publisher;
    this.#snapshots = new CameraSnapshots(
      config.mqtt.snapshots.interval,
      deps.clock,
      deps.tasks,
      (jpeg) => publisher.snapshot(jpeg),
      deps.metrics.camera(camera.id).snapshotsReplaced,
    );
    this.#streams = new CameraStreams(deps.metrics.camera(camera.id), deps.clock, deps.tasks);
    this.#openEvents = cameraOpenEvents(config.stateDir, camera.id, () => publisher.writer.context, deps);
  }

  /**
   * Loads the camera's model (throws the inference stage's EdgecamError when it cannot, and
   * EDGECAM_ERR_CONFIG_LABEL for a label filter the model cannot satisfy), registers its topics and
   * readiness checks, and starts capturing. A camera restarted by a reload keeps the `enabled` its
   * `previous` runtime was commanded to, at the new config's threshold.
   */
  static async start(
    config: Config,
    camera: CameraConfig,
    deps: RuntimeDeps,
    previous?: CameraRuntime,
  ): Promise<CameraRuntime> {
    const detector = await loadModel(config, camera, deps.logger);
    try {
      checkLabels(camera, detector);
    } catch (err) {
      await detector?.close();
      throw err;
    }
    // A restart keeps what was commanded on, and like any reload sets the config's threshold.
    const live = { enabled: previous?.settings.enabled ?? true, threshold: camera.threshold };
    const trackIds = await trackIdsFor(config.stateDir, camera.id, deps.logger);
    const runtime = new CameraRuntime(config, camera, detector, deps, live, trackIds);
    runtime.#counts = await cameraCounts(config.stateDir, camera, () => runtime.#publisher, deps);
    runtime.#objects = await cameraObjectSnapshots(config.stateDir, camera, deps);
    runtime.#loop = runtime.#run();
    return runtime;
  }

  get camera(): CameraConfig {
    return this.#camera;
  }

  get detector(): Detector | undefined {
    return this.#detector;
  }

  /** The camera's live settings (enabled, threshold). */
  get settings(): CameraState {
    return this.#live;
  }

  /** Applies a reload that needs no restart (needsRestart said false). */
  apply(config: Config, camera: CameraConfig): void {
    checkLabels(camera, this.#detector);
    const limitsChanged = configChanges(this.#config, config).some(
      (c) => c.path.startsWith('mqtt.detections') || c.path.startsWith('mqtt.edges'),
    );
    this.#snapshots.setInterval(config.mqtt.snapshots.interval);
    this.#config = config;
    this.#camera = camera;
    this.#kernels.setChains(chainFor(config, camera.preprocess), chainFor(config, camera.edges));
    // A reload sets the config's threshold (over a commanded one); enabled stays as commanded.
    const thresholdChanged = this.#live.threshold !== camera.threshold;
    this.#live = { ...this.#live, threshold: camera.threshold };
    this.#pipeline?.configure(pipelineSettings(camera, this.#live));
    this.#motion?.configure(motionSettings(camera));
    if (limitsChanged) this.#publisher.setLimits(config.mqtt);
    if (thresholdChanged) this.#publisher.publishState();
  }

  /** An MQTT command the publisher validated: the live settings and the pipeline follow it. */
  #command(command: Command): void {
    if (command.setting === 'snapshot') {
      const latest = this.#abort.signal.aborted ? undefined : this.#pipeline?.latest();
      if (latest !== undefined) this.#snapshots.requested(latest);
      return;
    }
    if (command.setting === 'reset_counts') {
      if (this.#counts !== undefined) this.#deps.tasks.run('resetting the line totals', this.#counts.reset());
      return;
    }
    this.#live = applyCommand(this.#live, command);
    this.#pipeline?.configure(pipelineSettings(this.#camera, this.#live));
  }

  /** What the live view shows. */
  status(): LiveCameraStatus {
    return liveCameraStatus(this.id, {
      pipeline: this.#pipeline?.status(),
      info: this.#detector?.info,
      online: this.#source?.stats().online ?? false,
      shown: this.live.shownDetections(),
      camera: this.#camera,
      totals: (line) => this.#counts?.totals(line),
    });
  }

  /** The camera in the health payload. */
  health(frameTimeoutMs: number): CameraHealth {
    return cameraHealth({
      pipeline: this.#pipeline?.status(),
      info: this.#detector?.info,
      enabled: this.#live.enabled,
      lastFrameAt: this.#source?.stats().lastFrameAt,
      now: this.#deps.clock.now(),
      frameTimeoutMs,
      image: { width: this.#camera.width, height: this.#camera.height },
    });
  }

  /** Joins the camera's MJPEG stream at the fps asked for, at most the camera's. */
  watchStream(request: StreamRequest, client: StreamClient): StreamWatch {
    return this.#streams.watch(request, this.#camera.fps, client);
  }

  /** An object's stored snapshot (`not-kept` when this camera keeps none). */
  objectJpeg(objectId: string): Promise<ObjectJpeg> {
    return objectJpegIn(this.#objects, objectId);
  }

  /** Stops capturing, finishes the frame in flight, ends present events, closes the model. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    await this.#openEvents.close();
    await this.#counts?.close();
    this.#streams.close();
    this.#snapshots.flush(); // the latest start's snapshot, if it waits: the daemon awaits the tasks
    await this.#objects?.idle(); // a restarted camera's store indexes the folder afresh
    this.#kernels.close();
    await this.#detector?.close();
    this.#deps.readiness.remove(`camera:${this.id}`);
    this.#deps.readiness.remove(`model:${this.id}`);
  }

  /** Resolves when the capture loop has ended (stop, or a file source played to its end). */
  get finished(): Promise<void> {
    return this.#loop;
  }

  #register(): CameraPublisher {
    const { publisher, readiness } = this.#deps;
    const info = this.#detector?.info;
    // The publisher reads the live settings through this port and hands it the commands.
    const runtime = this;
    const camera = publisher.camera(this.id, {
      model: { name: info?.name ?? 'none', version: info?.version ?? '0' },
      image: { width: this.#camera.width, height: this.#camera.height },
      labels: labelsOf(this.#camera, this.#detector),
      motion: this.#motion !== undefined,
      lines: countedLines(this.#camera),
      settings: {
        get state() {
          return runtime.#live;
        },
        command: (command) => runtime.#command(command),
      },
    });
    addCameraChecks(readiness, this.id, {
      lastFrameAt: () => this.#source?.stats().lastFrameAt,
      frameTimeoutMs: this.#config.http.frameTimeout * 1000,
      now: () => this.#deps.clock.now(),
      model: info === undefined ? undefined : { loaded: () => this.#detector !== undefined, info },
    });
    return camera;
  }

  /** Capture sessions until stopped: a failure (camera gone for good, model crashed) is retried with backoff. */
  async #run(): Promise<void> {
    const { logger, clock } = this.#deps;
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      const source = createSource(this.#camera, { ffmpegPath: this.#config.capture.ffmpegPath, clock });
      logSourceEvents(source, this.#deps.logger, this.#deps.metrics.camera(this.id).corrupt);
      this.#source = source;
      this.#sourceCounts.reset();
      const detector = this.#detector;
      const pipeline = new CameraPipeline({
        id: this.id,
        source,
        kernels: this.#kernels,
        ...(detector === undefined ? {} : { model: modelOf(detector) }),
        ...(this.#motion === undefined ? {} : { motion: this.#motion }),
        sink: this.#sink(),
        settings: pipelineSettings(this.#camera, this.#live),
        metrics: this.#deps.metrics.camera(this.id),
        onFrame: (report) => this.#onFrame(report),
        clock,
        trackIds: this.#trackIds,
      });
      this.#pipeline = pipeline;
      try {
        await pipeline.run(signal);
        await pipeline.stop();
        if (!signal.aborted)
          logger.info({ camera: this.id }, 'the camera source ended (a file played to its end)');
        return;
      } catch (err) {
        await pipeline.stop();
        if (signal.aborted) return;
        const retryInMs = backoffDelay(failures++, RETRY);
        logger.error(
          { camera: this.id, err, retryInS: Math.round(retryInMs / 1000) },
          `camera "${this.id}" failed; restarting it`,
        );
        // A camera unplugged at start (its device node gone) is back within a second of its return.
        await waitOrReachable(retryInMs, signal, { clock, probe: source.reachable });
        if (isEdgecamError(err, 'EDGECAM_ERR_INFERENCE') && !signal.aborted) await this.#reloadModel();
      }
    }
  }

  /** The model's worker died: load it again (or, failing that, try again at the next restart). */
  async #reloadModel(): Promise<void> {
    const old = this.#detector;
    this.#detector = undefined; // not ready meanwhile
    this.#detector = await reloadModel(old, this.#config, this.#camera, this.#deps.logger);
  }

  #onFrame(report: FrameReport): void {
    this.#sourceCounts.add(this.#source?.stats());
    this.#deps.onFrame(report);
  }

  #sink(): PipelineSink {
    const { tasks } = this.#deps;
    const classify = this.#detector?.info.task === 'classify';
    return {
      edgesWanted: () => {
        this.#publishEdges = this.#publisher.edgesDue();
        return this.#publishEdges || this.live.wantsEdges();
      },
      edges: (map: Image<Uint8Array>) => {
        // The map is a view into shared memory that the next frame overwrites: copy it once.
        const copy = { width: map.width, height: map.height, channels: map.channels, data: map.data.slice() };
        if (this.live.wantsEdges()) this.live.edges(copy);
        if (this.#publishEdges) {
          const publisher = this.#publisher;
          tasks.run(
            'publishing the edge map',
            encodeImage(copy, this.#config.mqtt.edges.format).then((bytes) => publisher.edges(bytes)),
          );
        }
      },
      results: (frame: Frame, detections: readonly Detection[], inferenceMs: number) => {
        if (classify) {
          const top = detections.map(({ label, classId, score }) => ({ label, classId, score }));
          this.#publisher.classification(frame, top, inferenceMs);
        } else this.#publisher.detections(frame, detections, inferenceMs);
        this.live.frame(frame, detections);
        this.#streams.frame(frame, detections);
      },
      motion: (frame: Frame, motion: MotionResult) => {
        const m = this.#deps.metrics.camera(this.id);
        m.motionShare.set(motion.share);
        m.motionRegions.set(motion.regions.length);
        if (motion.moving) m.motionFrames.inc();
        this.#publisher.motion(frame, motion);
      },
      event: async (event: CameraEvent, frame: Frame | undefined, detections: readonly Detection[]) => {
        const sent = withSnapshot(event, this.id, this.#objects);
        await this.#openEvents.record(sent, () => this.#publisher.event(sent));
        const { type, label, frame: at } = event;
        const object = isObjectEvent(event) ? event.objectId : undefined;
        this.#deps.logger.debug({ camera: this.id, type, label, object, seq: at.seq }, 'event');
        if (frame !== undefined) this.#snapshots.eventSeen(event, frame, detections);
        offerSnapshot(this.#objects, event, frame, detections);
      },
      crossing: async (crossing: LineCrossing) => this.#counts?.crossed(crossing),
    };
  }
}
