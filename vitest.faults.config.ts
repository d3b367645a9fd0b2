// `npm run test:faults`: the fault test alone (test/faults/*.fault.ts, a name the default
// `npm test` include never matches). It starts its own PostgreSQL database, Temporal server,
// API and worker processes, so it needs no global setup, and it runs for minutes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
