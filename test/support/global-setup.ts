// Once per test run: one real Temporal dev server and one workflow bundle shared by every test
// file (each file gets its own task queue and its own PostgreSQL database).
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/infra/logger.ts';
import { startTemporalAndBundle } from './temporal-and-bundle.ts';

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
  // Continue-as-new is suggested after a few dozen events instead of thousands, so every test
  // conversation that does real work crosses run boundaries and proves state survives them.
  const temporal = await startTemporalAndBundle(log, CONTINUE_AS_NEW_SUGGESTED_AFTER_EVENTS, 'sms-tests-');
  project.provide('temporalAddress', temporal.temporalAddress);
  project.provide('workflowBundlePath', temporal.workflowBundlePath);
  return () => temporal.stop();
}
