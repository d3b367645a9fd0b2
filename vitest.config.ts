import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's own summary, then one plain `tests: N passed, N failed` line CI can read.
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Temporal's native worker and the embedded servers want real processes, not threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Files share one Temporal dev server and PostgreSQL server; two at a time fits 2 cores.
    maxWorkers: 2,
  },
});
