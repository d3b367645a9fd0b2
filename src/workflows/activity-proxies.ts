// Typed activity proxies with named timeout/retry profiles.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import { FailureType } from '../shared/failure-types.ts';

/**
 * Database reads and writes: quick, idempotent, safe to retry until the database is back. Local
 * activities: they run inside the workflow task that asks for them and are recorded as one
 * marker, instead of a round trip through the server each (the benchmark measured ≈ 40 % less
 * Temporal CPU per text and ≈ 85 % lower webhook acknowledgement latency; bench/README.md).
 */
export const db = proxyLocalActivities<Activities>({
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
