import { isMainThread } from 'node:worker_threads';

/** The variable ONNX Runtime (1.29 and later, on Linux and macOS) reads for its telemetry opt-out. */
export const ORT_TELEMETRY_ENV = 'ORT_DISABLE_TELEMETRY';

/**
 * Turns ONNX Runtime's telemetry off for this process unless the user set the variable. Since
 * 1.29, onnxruntime-node on Linux sends usage events to Microsoft, keeps a device id and an offline
 * event database under ~/.cache/Microsoft/DeveloperTools (2.6 MB after a few hours of this
 * project's test runs), and holds about 3.5 MB of memory for it. A camera on someone's network
 * should not report on itself, nor write into a home directory (which systemd's ProtectHome hides).
 *
 * ONNX Runtime reads the process's environment (getenv) when it starts. A worker thread's
 * process.env is a copy, so this acts on the main thread only (`mainThread`, for tests), which
 * calls it before it imports onnxruntime-node or starts a thread that will.
 * @example disableOrtTelemetry(); const { ort } = await loadNativeRuntime();
 */
export function disableOrtTelemetry(env: NodeJS.ProcessEnv = process.env, mainThread = isMainThread): void {
  if (mainThread) env[ORT_TELEMETRY_ENV] ??= '1';
}
