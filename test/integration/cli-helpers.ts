import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ORT_TELEMETRY_ENV } from '../../src/inference/ort-telemetry.js';

/** The built CLI, as `npm install` leaves it: tests run what users run. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const FRUITS = fileURLToPath(new URL('../fixtures/images/fruits.jpg', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `edgecam ARGS` in a child process and resolves with its exit code and output. A run that
 * takes over 100 s is killed as hung (before the test's own timeout, so that its output shows);
 * on a busy machine a run takes many times what it does on an idle one.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  options: { cwd?: string } = {},
): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...cleanEnv(), ...env }, timeout: 100_000, ...options },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The line onnxruntime-node itself writes on stderr when it loads on a CPU whose vendor its table
 * lacks (a Jetson Orin NX; qemu's default arm64 CPU). It is the runtime's, not edgecam's, and harmless.
 */
const ONNXRUNTIME_VENDOR_LINE =
  /^onnxruntime cpuid_info warning: Unknown CPU vendor\. cpuinfo_vendor value: \d+\n/gm;

/**
 * What edgecam wrote on stderr in a run that loads onnxruntime-node: `stderr` without the runtime's
 * vendor line. Runs that must not load the runtime (--help, kernels, capture) assert on the whole
 * of stderr instead, so that the line there shows the runtime was loaded when it should not be.
 */
export function withoutRuntimeNotice(stderr: string): string {
  return stderr.replace(ONNXRUNTIME_VENDOR_LINE, '');
}

/**
 * The parent's environment without EDGECAM_* variables, which would change the config under test,
 * and without ORT_DISABLE_TELEMETRY, which the CLI sets itself (a test process that loaded ONNX
 * Runtime has it set, and passing it on would hide a CLI that does not).
 */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('EDGECAM_') && k !== ORT_TELEMETRY_ENV && v !== undefined) env[k] = v;
  }
  return env;
}
