import { SyntheticScene } from '../../../src/capture/synthetic/scene.js';
import { SIGN_LABELS } from '../../../src/capture/synthetic/signs.js';
import type { Detection } from '../../../src/detection.js';
import { annotate } from '../../../src/inference/annotate.js';
import {
  createFilterPlan,
  encodeEdgeMapPng,
  resolveKernel,
  sobelMagnitude,
} from '../../../src/kernels/index.js';
import type {
  LiveCameraStatus,
  LiveStatus,
  LiveViewSource,
  StreamClient,
  StreamRequest,
  StreamWatch,
} from '../../../src/web/live-view-source.js';
import type { ObjectJpeg } from '../../../src/web/object-snapshot-route.js';

/**
 * A LiveViewSource that a test drives by hand: the daemon's own source (src/pipeline) needs a
 * model and a broker, and its end-to-end test covers it. The pictures are real: frames of the
 * synthetic camera with the true sign positions drawn as detection boxes by annotate(), JPEG
 * encoded by sharp, and their edge maps as PNG made as config/default.yaml's `edges` chain makes
 * them (gaussian5, then the L1 Sobel magnitude).
 */
export class SceneSource implements LiveViewSource {
  readonly scene: SyntheticScene;
  device = 'garage-pi';
  mqtt = { connected: true, url: 'mqtt://127.0.0.1:1883' };
  readonly cameras = new Map<string, { status: LiveCameraStatus; jpeg?: Buffer; png?: Buffer }>();
  /** Stream clients by camera, with what they asked for; showFrame() sends them the new JPEG. */
  readonly watchers = new Map<string, Set<{ request: StreamRequest; client: StreamClient }>>();
  /** Frames not written to a stream client, with the bytes its socket still held then. */
  readonly skipped: number[] = [];

  constructor(width = 640, height = 480) {
    this.scene = new SyntheticScene(width, height, 3, 3);
  }

  status(): LiveStatus {
    return {
      device: this.device,
      uptimeS: 3725,
      mqtt: { ...this.mqtt },
      cameras: [...this.cameras.values()].map((c) => structuredClone(c.status)),
    };
  }

  frameJpeg(cameraId: string): Buffer | undefined {
    return this.cameras.get(cameraId)?.jpeg;
  }

  edgesPng(cameraId: string): Buffer | undefined {
    return this.cameras.get(cameraId)?.png;
  }

  /** No object snapshots here (object-snapshot-route.test.ts serves a real store's). */
  async objectJpeg(cameraId: string, _objectId: string): Promise<ObjectJpeg> {
    return { found: this.cameras.has(cameraId) ? 'not-kept' : 'no-camera' };
  }

  watchStream(cameraId: string, request: StreamRequest, client: StreamClient): StreamWatch | undefined {
    if (!this.cameras.has(cameraId)) return undefined;
    const watchers = this.watchers.get(cameraId) ?? new Set();
    this.watchers.set(cameraId, watchers);
    const watcher = { request, client };
    watchers.add(watcher);
    const jpeg = this.cameras.get(cameraId)?.jpeg;
    if (jpeg !== undefined) queueMicrotask(() => client.frame(jpeg, 0));
    return {
      fps: request.fps,
      skipped: (queuedBytes) => this.skipped.push(queuedBytes),
      stop: () => watchers.delete(watcher),
    };
  }

  /** Sends `jpeg` to every stream client of camera `id`, as the daemon's encoder would. */
  stream(id: string, jpeg: Buffer, seq: number): void {
    for (const { client } of this.watchers.get(id) ?? []) client.frame(jpeg, seq);
  }

  /** A camera that has not delivered a frame yet. */
  addCamera(id: string, status: Partial<LiveCameraStatus> = {}): LiveCameraStatus {
    const camera: LiveCameraStatus = {
      id,
      online: true,
      fps: 0,
      inferenceMs: null,
      provider: null,
      model: null,
      frameSize: null,
      detections: [],
      events: [],
      lastFrameAt: null,
      masks: { detections: [], motion: [] },
      zones: [],
      lines: [],
      ...status,
    };
    this.cameras.set(id, { status: camera });
    return camera;
  }

  /** Camera `id` shows synthetic frame `index`, every sign in it detected; returns the detections. */
  async showFrame(id: string, index: number, at: number): Promise<Detection[]> {
    const entry = this.cameras.get(id);
    if (entry === undefined) throw new Error(`no camera ${id}`);
    const { width, height } = this.scene;
    const image = { width, height, channels: 3 as const, data: this.scene.render(index) };
    const detections: Detection[] = this.scene.objectsAt(index).map((o, i) => ({
      label: o.label,
      classId: SIGN_LABELS.indexOf(o.label),
      score: 0.95 - i * 0.1,
      box: { ...o.box },
    }));
    // 4:4:4 and high quality, so a 2-pixel box line keeps its colour for the pixel checks.
    entry.jpeg = await annotate(image, detections)
      .jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
      .toBuffer();
    const blurred = createFilterPlan(resolveKernel('gaussian5'), image).run(image);
    entry.png = await encodeEdgeMapPng(sobelMagnitude(blurred, { norm: 'L1' }), { compressionLevel: 1 });
    entry.status.frameSize = { width, height };
    entry.status.lastFrameAt = at;
    entry.status.detections = detections.map(({ label, score, box }) => ({ label, score, box }));
    this.stream(id, entry.jpeg, index);
    return detections;
  }
}
