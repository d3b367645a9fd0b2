// `npm run test:browser`: the agent console in a real browser (Debian's Chromium through
// playwright-core) against the real stack — API and worker processes, a Temporal dev server,
// PostgreSQL and the Twilio emulator, all started by the test file itself (no global setup).
// test/browser/**/*.browser.ts is a name the default `npm test` include never matches.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's own summary, then one plain `tests: N passed, N failed` line CI can read.
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    include: ['test/browser/**/*.browser.ts'],
    pool: 'forks',
    maxWorkers: 1,
    // The scenarios of a file run in order on one stack: each builds on what the last left.
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
