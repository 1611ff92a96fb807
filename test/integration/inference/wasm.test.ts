// The shipped sign detector on both ONNX Runtime builds: onnxruntime-node's CPU provider and
// onnxruntime-web's WebAssembly build (what 32-bit ARM boards run, and `accelerator: wasm`), over
// the committed sample sequence. The two must find the same signs.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Detection } from '../../../src/detection.js';
import { iou } from '../../../src/inference/decode/nms.js';
import { createDetector } from '../../../src/inference/detector.js';
import { readImage } from '../../../src/model-tools/image-reader.js';
import { recordingLogger } from './helpers.js';

const SIGNS = fileURLToPath(new URL('../../../models/signs', import.meta.url));
const SAMPLES = join(SIGNS, 'samples');
/** The manifests' scoreThreshold (both models ship with 0.67). */
const THRESHOLD = 0.67;

/**
 * How far the builds may differ. Float: the same kernels in WebAssembly SIMD, measured 3e-7 apart in
 * score and IoU 0.999998. int8 QDQ: the WebAssembly build runs other int8 kernels than x86's
 * (measured with SignNet 3.2.0: 261 detections on 94 frames, the same ones, scores 0.0092 apart at
 * most; boxes IoU 0.95 or more but one, a 23 px sign whose width differs by 12%, 1.7 of the
 * model's input pixels: IoU 0.79). The score bound is twice the measured; the IoU bound leaves a
 * small sign's box a couple of input pixels. A detection only one build reports must lie within `score` of the
 * threshold, where last bits may flip it (none did, measured).
 */
const TOLERANCE = {
  'int8 QDQ (shipped)': { model: SIGNS, score: 0.02, iou: 0.75 },
  float32: { model: join(SIGNS, 'model.float.json'), score: 1e-4, iou: 0.999 },
} as const;

/** Pairs each native detection with the wasm one of the same class it overlaps most; lists the rest. */
function compare(native: Detection[], wasm: Detection[], minIou: number) {
  const left = [...wasm];
  const pairs: { native: Detection; wasm: Detection; iou: number }[] = [];
  const onlyNative: Detection[] = [];
  for (const n of native) {
    let best = -1;
    let bestIou = minIou;
    left.forEach((w, i) => {
      const overlap = iou(n.box!, w.box!);
      if (w.classId === n.classId && overlap >= bestIou) [best, bestIou] = [i, overlap];
    });
    if (best < 0) onlyNative.push(n);
    else pairs.push({ native: n, wasm: left.splice(best, 1)[0]!, iou: bestIou });
  }
  return { pairs, onlyNative, onlyWasm: left };
}

describe.each(Object.entries(TOLERANCE))('the sign detector %s on onnxruntime-web (wasm)', (_, t) => {
  it('finds the same signs on the samples as onnxruntime-node on the CPU, within the tolerance', async () => {
    const logger = recordingLogger();
    const native = await createDetector({ model: t.model, accelerator: 'cpu', threads: 1 });
    const wasm = await createDetector({ model: t.model, accelerator: 'wasm', threads: 1, logger });
    try {
      expect(native.info).toMatchObject({
        provider: 'cpu',
        runtime: expect.stringMatching(/^onnxruntime-node /),
      });
      expect(wasm.info).toMatchObject({
        provider: 'wasm',
        accelerator: 'wasm',
        runtime: expect.stringMatching(/^onnxruntime-web 1\.30\.\d+ \(wasm, SIMD, 1 thread\)$/),
      });
      // Asked for by name: nothing to warn about.
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
      const frames = (await readdir(SAMPLES)).filter((f) => f.endsWith('.jpg')).sort();
      let paired = 0;
      let worstScore = 0;
      let worstIou = 1;
      const unpaired: string[] = [];
      for (const f of frames) {
        const image = await readImage(join(SAMPLES, f));
        const { pairs, onlyNative, onlyWasm } = compare(
          await native.run(image),
          await wasm.run(image),
          t.iou,
        );
        paired += pairs.length;
        for (const p of pairs) {
          worstScore = Math.max(worstScore, Math.abs(p.native.score - p.wasm.score));
          worstIou = Math.min(worstIou, p.iou);
        }
        for (const d of [...onlyNative, ...onlyWasm]) {
          if (Math.abs(d.score - THRESHOLD) > t.score)
            unpaired.push(`${f}: ${d.label} ${d.score.toFixed(3)}`);
        }
      }
      console.log(
        `${paired} detections paired; scores ${worstScore} apart at most, IoU ${worstIou} at least`,
      );
      expect(unpaired).toEqual([]);
      expect(worstScore).toBeLessThanOrEqual(t.score);
      // 261 detections on the 94 frames (measured): the comparison covers real detections.
      expect(paired).toBeGreaterThan(200);
    } finally {
      await Promise.all([native.close(), wasm.close()]);
    }
  });
});
