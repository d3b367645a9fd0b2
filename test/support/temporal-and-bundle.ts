// A real Temporal dev server and one bundle of the workflow code, as a vitest global setup
// provides them to every test file (the tests' and the history recorder's setups both use it).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Logger } from '../../src/infra/logger.ts';
import { startTemporalDevServer } from '../../src/infra/temporal-dev-server.ts';
import { WORKFLOWS_PATH } from '../../src/temporal/create-worker.ts';

export interface TemporalAndBundle {
  temporalAddress: string;
  workflowBundlePath: string;
  stop(): Promise<void>;
}

/** `suggestContinueAsNewAfter`: the history length at which the server suggests continue-as-new. */
export async function startTemporalAndBundle(log: Logger, suggestContinueAsNewAfter: number, tempPrefix: string): Promise<TemporalAndBundle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), tempPrefix));
  const [server, bundle] = await Promise.all([
    startTemporalDevServer(
      {
        namespace: 'default',
        cliPath: process.env.TEMPORAL_CLI_PATH,
        dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': suggestContinueAsNewAfter },
      },
      log,
    ),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  return {
    temporalAddress: server.address,
    workflowBundlePath,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
