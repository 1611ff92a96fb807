// Checks an exported sign model with ONNX Runtime (the runtime edgecam uses) and times it.
//
//   node models/signs/train/check_onnx.mjs models/signs/model.float.onnx [/tmp/signs/probe]
//
// 1. Runs the probe input export.py wrote and compares with PyTorch's output (max abs difference).
// 2. Median latency per frame on the CPU with 1 and 2 intra-op threads, measured side by side.
// This is a development check; `edgecam bench` and `edgecam model eval` give the official figures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

const [modelPath, probeDir = '/tmp/signs/probe'] = process.argv.slice(2);
if (!modelPath) {
  console.error('usage: node check_onnx.mjs MODEL.onnx [PROBE_DIR]');
  process.exit(2);
}

/** Reads a raw little-endian float32 file. @example readF32('/tmp/signs/probe/input.f32') */
function readF32(path) {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

/** Median of a list of numbers. @example median([3, 1, 2]) // 2 */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const sessions = {};
for (const threads of [1, 2]) {
  sessions[threads] = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}
const session = sessions[1];
const inputName = session.inputNames[0];
const outputName = session.outputNames[0];
const meta = session.inputMetadata?.[0];
const shape = meta?.shape ?? [1, 3, 256, 256];
console.log(`${modelPath}: input ${inputName} [${shape.join(', ')}], output ${outputName}`);

let input;
try {
  input = readF32(join(probeDir, 'input.f32'));
  const expected = readF32(join(probeDir, 'expected.f32'));
  const out = (await session.run({ [inputName]: new ort.Tensor('float32', input, shape) }))[outputName];
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out.data[i] - expected[i]));
  console.log(`output [${out.dims.join(', ')}]; max |onnxruntime - pytorch| = ${maxDiff.toExponential(2)}`);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
  console.log(`no probe in ${probeDir}; timing with random input`);
  input = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.random());
}

const feeds = { [inputName]: new ort.Tensor('float32', input, shape) };
const rounds = 5;
const perRound = 40;
const times = { 1: [], 2: [] };
for (const s of Object.values(sessions)) for (let i = 0; i < 10; i++) await s.run(feeds);
// Alternate the two settings so that load from other processes hits both alike.
for (let r = 0; r < rounds; r++) {
  for (const threads of [1, 2]) {
    for (let i = 0; i < perRound; i++) {
      const t0 = process.hrtime.bigint();
      await sessions[threads].run(feeds);
      times[threads].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
}
for (const threads of [1, 2]) {
  console.log(`latency, ${threads} thread(s): median ${median(times[threads]).toFixed(2)} ms per frame`);
}
for (const s of Object.values(sessions)) await s.release();
