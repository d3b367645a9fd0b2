// Once per recording: a Temporal dev server of the recorder's own, which suggests continue-as-new
// after a small, known number of events (so the continue-as-new shape can be driven across that
// line on purpose), and a bundle of the workflow code in this checkout. Provides the same keys
// as test/support/global-setup.ts, so the recorder runs on test/support/stack.ts unchanged.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../../src/infra/logger.ts';
import { startTemporalAndBundle } from '../temporal-and-bundle.ts';

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
  const temporal = await startTemporalAndBundle(log, suggestAfter, 'sms-history-recorder-');
  project.provide('temporalAddress', temporal.temporalAddress);
  project.provide('workflowBundlePath', temporal.workflowBundlePath);
  project.provide('suggestContinueAsNewAfterEvents', suggestAfter);
  return () => temporal.stop();
}
