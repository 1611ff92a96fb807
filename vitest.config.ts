import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Limits that only catch a hang: a busy 2-core machine runs these tests many times slower than
    // an idle one, and no test asserts how long anything took (benchmarks measure speed).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests spawn processes; two cores are all CI has.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    // Tests that load ONNX Runtime in their own process keep its telemetry off, as edgecam does
    // (src/inference/ort-telemetry.ts); the CLI's children are run without it, to check that.
    env: { ORT_DISABLE_TELEMETRY: '1' },
  },
});
