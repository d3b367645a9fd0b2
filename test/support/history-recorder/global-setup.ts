// Once per recording: a Temporal dev server of the recorder's own, which suggests continue-as-new
// after a small, known number of events (so the continue-as-new shape can be driven across that
// line on purpose), and a bundle of the workflow code in this checkout. Provides the same keys
// as test/support/global-setup.ts, so the recorder runs on test/support/stack.ts unchanged.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../../src/infra/logger.ts';
import { startTemporalDevServer } from '../../../src/infra/temporal-dev-server.ts';
import { WORKFLOWS_PATH } from '../../../src/temporal/create-worker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** History length at which the recorder's server suggests continue-as-new. */
    suggestContinueAsNewAfterEvents: number;
  }
}

/**
 * Large enough that every shape but the continue-as-new one stays in one run, small enough that
 * the continue-as-new shape reaches it in a few seconds of texts.
 */
export const DEFAULT_SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS = 150;

export default async function setup(project: TestProject) {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'history-recorder');
  const suggestAfter = Number(process.env.HISTORY_SUGGEST_CAN_AFTER ?? DEFAULT_SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS);
  if (!Number.isInteger(suggestAfter) || suggestAfter < 60) throw new Error('HISTORY_SUGGEST_CAN_AFTER must be an integer ≥ 60');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-history-recorder-'));
  const [server, bundle] = await Promise.all([
    startTemporalDevServer(
      {
        namespace: 'default',
        cliPath: process.env.TEMPORAL_CLI_PATH,
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': suggestAfter },
      },
      log,
    ),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('suggestContinueAsNewAfterEvents', suggestAfter);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
