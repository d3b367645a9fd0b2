// `npm run test:faults`: the fault test alone (test/faults/*.fault.ts, a name the default
// `npm test` include never matches). It starts its own PostgreSQL database, Temporal server,
// API and worker processes, so it needs no global setup, and it runs for minutes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's own summary, then one plain `tests: N passed, N failed` line CI can read.
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    include: ['test/faults/**/*.fault.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
