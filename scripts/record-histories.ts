// npm run histories:record -- --label v2 [--force] [--suggest-after 150]
//
// Records a new set of conversation workflow histories into test/histories/<label>/ (see
// test/support/history-recorder/record.histories.ts and docs/workflow-versioning.md). Needs what
// `npm test` needs: PostgreSQL at TEST_DATABASE_URL and the `temporal` CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    label: { type: 'string' },
    force: { type: 'boolean', default: false },
    'suggest-after': { type: 'string' },
  },
});

if (!values.label || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(values.label)) {
  console.error('usage: npm run histories:record -- --label <label, e.g. v2> [--force] [--suggest-after <events>]');
  process.exit(2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const target = path.join(root, 'test', 'histories', values.label);
if (!values.force && existsSync(target) && readdirSync(target).some((file) => file.endsWith('.json'))) {
  console.error(`test/histories/${values.label} already holds histories: recorded sets stand for runs that exist and are never re-recorded. Pick a new label (or --force).`);
  process.exit(2);
}
const result = spawnSync('npx', ['vitest', 'run', '--config', 'test/support/history-recorder/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    HISTORY_LABEL: values.label,
    ...(values.force ? { HISTORY_OVERWRITE: '1' } : {}),
    ...(values['suggest-after'] ? { HISTORY_SUGGEST_CAN_AFTER: values['suggest-after'] } : {}),
  },
});
process.exit(result.status ?? 1);
