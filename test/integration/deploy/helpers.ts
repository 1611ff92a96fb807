import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const UNIT = fileURLToPath(new URL('../../../systemd/edgecam.service', import.meta.url));
export const JETSON_DROPIN = fileURLToPath(new URL('../../../systemd/jetson.conf', import.meta.url));
export const INSTALL = fileURLToPath(new URL('../../../deploy/install.sh', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program and resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(
  file: string,
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      // A limit only against a hang: an install (npm pack, copying the package) on a busy 2-core
      // machine needs well over a minute.
      { env: { ...withoutEdgecam(), ...env }, cwd, timeout: 300_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function withoutEdgecam(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('EDGECAM_') && v !== undefined) env[k] = v;
  }
  return env;
}
