// How the workflow refuses an update: a non-retryable ApplicationFailure whose type the API maps
// to a status code (src/shared/failure-types.ts), before anything is written to history.
import { ApplicationFailure } from '@temporalio/workflow';

export function rejection(type: string, message: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details });
}
