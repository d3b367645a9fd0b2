// `npm run test:topology`: the production topology on loopback (test/topology/*.topology.ts, a
// name the default `npm test` include never matches) — two API and two worker processes on one
// Temporal server and one database. It starts everything itself, so no global setup.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's own summary, then one plain `tests: N passed, N failed` line CI can read.
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    include: ['test/topology/**/*.topology.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 3 * 60_000,
    hookTimeout: 4 * 60_000,
  },
});
