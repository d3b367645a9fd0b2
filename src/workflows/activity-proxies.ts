// Typed activity proxies with named timeout/retry profiles.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { FailureType } from '../shared/failure-types.ts';

/** Database reads and writes: quick, safe to retry until the database is back. */
export const db = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * Sends through Twilio. Retried with backoff for 429, 5xx and network errors; a permanent
 * refusal (4xx, opted-out customer) is non-retryable. Bounded, so a message whose fate cannot
 * be settled is marked failed instead of retrying for ever.
 */
export const twilio = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [FailureType.CustomerOptedOut, FailureType.TwilioRejected],
  },
});
