import { stat } from 'node:fs/promises';
import { EdgecamError } from '../errors.js';
import { inputMismatches, type ValueMeta } from '../inference/check.js';
import { createDecoder } from '../inference/decode/index.js';
import type { Manifest } from '../inference/manifest.js';
import { loadModelPackage, type ModelPackage } from '../inference/model.js';
import { describeAdapter } from '../inference/webgpu-adapter.js';
import { readOnnxFile } from '../onnx/file.js';
import { onnxDtypeName } from '../onnx/model.js';
import type { RunsOn } from './runs-on.js';

/** Operators that compute on quantized values or convert to and from them. */
export const QUANTIZED_OPS = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'QLinearConv',
  'QLinearMatMul',
  'QLinearAdd',
  'QLinearMul',
  'QLinearSigmoid',
  'QLinearLeakyRelu',
  'QLinearConcat',
  'QLinearGlobalAveragePool',
  'QLinearAveragePool',
  'QLinearSoftmax',
  'QGemm',
  'ConvInteger',
  'MatMulInteger',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
]);

/** What `edgecam model inspect` reports about an ONNX model and its manifest. */
export interface ModelReport {
  readonly path: string;
  readonly fileBytes: number;
  readonly irVersion: number;
  readonly producer: string;
  readonly opsets: readonly { domain: string; version: number }[];
  readonly inputs: readonly ValueMeta[];
  readonly outputs: readonly ValueMeta[];
  readonly nodes: number;
  /** Operator counts, most used first. */
  readonly ops: readonly { op: string; count: number }[];
  readonly quantizedOps: number;
  /** Weight tensors by dtype (float32: 12, int8: 10). */
  readonly weights: Readonly<Record<string, number>>;
  readonly manifest?: Manifest;
  readonly labels?: readonly string[];
  /** Every way the manifest and the model disagree; empty when they agree. */
  readonly mismatches: readonly string[];
  /** Where it runs here, when it was loaded to find out (`--accelerator`). */
  readonly runsOn?: RunsOn;
}

/**
 * Reads an ONNX model (a package folder, its model.json, or a bare .onnx file) without running it:
 * inputs, outputs, opsets, operator and quantization counts, and the manifest checked against it.
 * @example const report = await inspectModel('models/signs'); report.mismatches // []
 */
export async function inspectModel(path: string): Promise<ModelReport> {
  const bare = path.endsWith('.onnx');
  const pkg: ModelPackage | undefined = bare ? undefined : await loadModelPackage(path);
  const modelPath = pkg?.modelPath ?? path;
  if (pkg !== undefined && pkg.manifest.backend !== 'onnx') {
    throw new EdgecamError(
      'EDGECAM_ERR_ARGUMENT',
      `edgecam model inspect reads ONNX models; ${pkg.manifestPath} names a ${pkg.manifest.backend} model (edgecam model run loads it)`,
    );
  }
  const { model } = await readOnnxFile(
    modelPath,
    'the file is corrupt or truncated, or not ONNX; export or copy it again',
  );
  const g = model.graph;
  // Old exporters list weights as graph inputs too; the real inputs are the rest.
  const initializerNames = new Set(g.initializers.map((t) => t.name));
  const meta = (v: (typeof g.inputs)[number]): ValueMeta => ({
    name: v.name,
    dtype: onnxDtypeName(v.elemType),
    shape: v.shape,
  });
  const inputs = g.inputs.filter((i) => !initializerNames.has(i.name)).map(meta);
  const outputs = g.outputs.map(meta);
  const counts = new Map<string, number>();
  for (const n of g.nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  const ops = [...counts]
    .map(([op, count]) => ({ op, count }))
    .sort((a, b) => b.count - a.count || a.op.localeCompare(b.op));
  const weights: Record<string, number> = {};
  for (const t of g.initializers) {
    const name = onnxDtypeName(t.dataType);
    weights[name] = (weights[name] ?? 0) + 1;
  }
  return {
    path: modelPath,
    fileBytes: (await stat(modelPath)).size,
    irVersion: model.irVersion,
    producer: `${model.producerName} ${model.producerVersion}`.trim(),
    opsets: model.opsetImports.map((o) => ({ domain: o.domain || 'ai.onnx', version: o.version })),
    inputs,
    outputs,
    nodes: g.nodes.length,
    ops,
    quantizedOps: g.nodes.filter((n) => QUANTIZED_OPS.has(n.opType)).length,
    weights,
    manifest: pkg?.manifest,
    labels: pkg?.labels,
    mismatches: pkg === undefined ? [] : manifestMismatches(pkg, inputs, outputs, ops),
  };
}

function manifestMismatches(
  pkg: ModelPackage,
  inputs: readonly ValueMeta[],
  outputs: readonly ValueMeta[],
  ops: readonly { op: string }[],
): string[] {
  const { manifest } = pkg;
  const problems = inputMismatches(manifest.input, inputs);
  try {
    createDecoder(manifest.output, {
      labels: pkg.labels,
      inputWidth: manifest.input.width,
      inputHeight: manifest.input.height,
      outputs,
      where: 'output',
    });
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  const quantized = ops.some((o) => QUANTIZED_OPS.has(o.op));
  if (manifest.quantization === 'none' && quantized) {
    problems.push('quantization: the manifest says none but the model has quantized operators');
  } else if (manifest.quantization.startsWith('int8') && !quantized) {
    problems.push(
      `quantization: the manifest says ${manifest.quantization} but the model has no quantized operators`,
    );
  }
  return problems;
}

/**
 * The report as text for a terminal.
 * @example process.stdout.write(formatModelReport(await inspectModel('models/signs')))
 */
export function formatModelReport(r: ModelReport): string {
  const shape = (v: ValueMeta) =>
    `${v.name}: ${v.dtype} [${(v.shape ?? []).map((d) => (d === undefined ? '?' : String(d))).join(', ')}]`;
  const lines = [
    `model    ${r.path}`,
    `size     ${formatBytes(r.fileBytes)}`,
    `format   ONNX IR ${r.irVersion}, opset ${r.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}${r.producer ? `, by ${r.producer}` : ''}`,
    'inputs',
    ...r.inputs.map((v) => `  ${shape(v)}`),
    'outputs',
    ...r.outputs.map((v) => `  ${shape(v)}`),
    `nodes    ${r.nodes}: ${r.ops.map((o) => `${o.op} ${o.count}`).join(', ')}`,
    `quantized ops ${r.quantizedOps}`,
    `weights  ${
      Object.entries(r.weights)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none'
    }`,
  ];
  if (r.manifest !== undefined) {
    const m = r.manifest;
    const i = m.input;
    const norm = `scale ${i.scale ?? (i.dtype === 'float32' ? '1/255' : 1)}, mean ${JSON.stringify(i.mean)}, std ${JSON.stringify(i.std)}`;
    lines.push(
      'manifest',
      `  ${m.name} ${m.version}: ${m.task}, ${m.backend}, quantization ${m.quantization}`,
      `  input ${i.name ?? '(first)'}: ${i.width}x${i.height} ${i.layout} ${i.colorOrder} ${i.dtype}, ${i.resize}, ${norm}`,
      `  output: ${m.output.decoder} ${JSON.stringify({ ...m.output, decoder: undefined })}`,
      `  labels (${r.labels?.length ?? 0}): ${(r.labels ?? []).slice(0, 10).join(', ')}${(r.labels?.length ?? 0) > 10 ? ', ...' : ''}`,
    );
    if (m.provenance.source) lines.push(`  source: ${m.provenance.source}`);
    if (m.provenance.license) lines.push(`  license: ${m.provenance.license}`);
    lines.push(
      r.mismatches.length === 0
        ? 'manifest and model agree'
        : `mismatches (${r.mismatches.length})\n${r.mismatches.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  if (r.runsOn !== undefined) {
    const { accelerator, runtime, provider, adapter } = r.runsOn;
    lines.push(`runs on  ${provider} (${runtime}; asked for ${accelerator})`);
    if (adapter !== null)
      lines.push(`adapter  ${describeAdapter(adapter)}${adapter.software ? ': no GPU' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}
