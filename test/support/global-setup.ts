// Once per test run: one real Temporal dev server and one workflow bundle shared by every test
// file (each file gets its own task queue and its own PostgreSQL database).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/infra/logger.ts';
import { startTemporalDevServer } from '../../src/infra/temporal-dev-server.ts';
import { WORKFLOWS_PATH } from '../../src/temporal/create-worker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/** History length at which the test server suggests continue-as-new. */
export const CONTINUE_AS_NEW_SUGGESTED_AFTER_EVENTS = 60;

export default async function setup(project: TestProject) {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'test-setup');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-tests-'));
  const [server, bundle] = await Promise.all([
    startTemporalDevServer(
      {
        namespace: 'default',
        cliPath: process.env.TEMPORAL_CLI_PATH,
        // Suggest continue-as-new after a few dozen events instead of thousands, so every test
        // conversation that does real work crosses run boundaries and proves state survives them.
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': CONTINUE_AS_NEW_SUGGESTED_AFTER_EVENTS },
      },
      log,
    ),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
