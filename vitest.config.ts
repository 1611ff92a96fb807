import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Integration tests spawn processes; two cores are all CI has.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
