import { describe, expect, it } from 'vitest';
import { disableOrtTelemetry, ORT_TELEMETRY_ENV } from '../../../src/inference/ort-telemetry.js';

describe('disableOrtTelemetry', () => {
  it("turns ONNX Runtime's telemetry off where nobody chose", () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin' };
    disableOrtTelemetry(env, true);
    expect(env).toEqual({ PATH: '/usr/bin', ORT_DISABLE_TELEMETRY: '1' });
  });

  it("keeps the user's own choice", () => {
    const env: NodeJS.ProcessEnv = { [ORT_TELEMETRY_ENV]: '0' };
    disableOrtTelemetry(env, true);
    expect(env[ORT_TELEMETRY_ENV]).toBe('0');
  });

  it("leaves a worker thread's copy of the environment alone: the runtime reads the process's", () => {
    const env: NodeJS.ProcessEnv = {};
    disableOrtTelemetry(env, false);
    expect(env).toEqual({});
  });
});
