// Vitest configuration of the history recorder (`npm run histories:record`), kept apart from the
// test suite's: its own Temporal dev server and only the recorder's file, which `npm test`'s
// include pattern (*.test.ts) never picks up.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    include: ['test/support/history-recorder/record.histories.ts'],
    globalSetup: ['test/support/history-recorder/global-setup.ts'],
    pool: 'forks',
    // The shapes run one after another against one stack.
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
