// `npm run test:contract`: the schema-driven fuzz run over the OpenAPI document
// (test/contract/*.contract.ts, a name the default `npm test` include never matches). It shares
// `npm test`'s global setup (one Temporal dev server, one workflow bundle) and runs for minutes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's own summary, then one plain `tests: N passed, N failed` line CI can read.
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    include: ['test/contract/**/*.contract.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
