// Typed activity proxies with named timeout/retry profiles, one set per execution kind, so the
// compiler refuses a database call through the Twilio proxy and the other way round.
import { ActivityFailure, ApplicationFailure, log, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { DbActivities, TwilioActivities } from '../activities/index.ts';
import { FailureType } from '../shared/failure-types.ts';

/** How many times a database activity is tried before its job is parked (≈ 1 minute of backoff). */
export const DB_ATTEMPTS = 8;

/**
 * Database reads and writes: quick, keyed by ids the workflow chose, so safe to re-run. Local
 * activities: they run inside the workflow task that asks for them and are recorded as one
 * marker, instead of a round trip through the server each (the benchmark measured ≈ 40 % less
 * Temporal CPU per text and ≈ 85 % lower webhook acknowledgement latency; bench/README.md).
 * Bounded: data the database refuses is not retried at all (StoreRejected), and anything else
 * that keeps failing ends after DB_ATTEMPTS so its job is parked instead of wedging the
 * conversation. An unreachable database is waited for, not parked (see `waitingForDatabase`).
 */
const localDb = proxyLocalActivities<DbActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '15 seconds',
    maximumAttempts: DB_ATTEMPTS,
    nonRetryableErrorTypes: [FailureType.StoreRejected],
  },
});

/**
 * The ApplicationFailure an activity threw, if any: wrapped in an ActivityFailure for normal
 * activities; a local activity's can arrive unwrapped.
 */
export function applicationFailureOf(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure) return error.cause instanceof ApplicationFailure ? error.cause : undefined;
  return error instanceof ApplicationFailure ? error : undefined;
}

/** The type of the ApplicationFailure behind an activity failure, if any. */
export function failureType(error: unknown): string | undefined {
  return applicationFailureOf(error)?.type ?? undefined;
}

/** Longest pause between two rounds of waiting for the database. */
const DATABASE_WAIT_MAX_MS = 60_000;

/**
 * Wraps the database proxy so a call that fails because PostgreSQL is unreachable is tried
 * again after a durable pause, for as long as the outage lasts: an outage is nobody's fault
 * and must not park (or drop) the texts that arrive during it. The pause is a workflow timer,
 * so a worker restart in the middle changes nothing.
 */
function waitingForDatabase<T extends object>(activities: T): T {
  // A Proxy, because the SDK's activity proxy is one too: it has no keys to copy.
  return new Proxy(activities, {
    get(target, name) {
      const call = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
      if (typeof name !== 'string' || typeof call !== 'function') return call;
      return async (...args: unknown[]) => {
        for (let pauseMs = 1_000; ; pauseMs = Math.min(pauseMs * 2, DATABASE_WAIT_MAX_MS)) {
          try {
            return await call(...args);
          } catch (error) {
            if (failureType(error) !== FailureType.DatabaseUnavailable) throw error;
            log.warn('database unavailable; waiting before trying again', { activity: name, pauseMs });
            await sleep(pauseMs);
          }
        }
      };
    },
  });
}

export const db = waitingForDatabase(localDb);

/**
 * A send's first attempt: a local activity, run inside the workflow task that decided to send,
 * recorded as one marker — instead of an activity task dispatched through the server, its
 * completion and one more workflow task (the benchmark measured ack p99 70 → 17 ms and reply p95
 * 373 → 76 ms with it). One attempt only: while it runs the workflow task stays open (agents'
 * updates wait for it), so a Twilio that is slow or failing must not be retried here with
 * backoff; the normal activity below takes over. The attempt asks Twilio with a short HTTP
 * timeout (3 s, `sendSmsFirstAttempt`), shorter than this one, so the request is over — answered
 * or given up — before the retry can start (a retry that finds the message `sending` looks it up
 * at Twilio before sending again).
 */
export const twilioFirstAttempt = proxyLocalActivities<TwilioActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 1 },
});

/** Attempts a send gets in all, the local first one included. */
export const SEND_ATTEMPTS = 8;

const sendRetryPolicy = (maximumAttempts: number) => ({
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts,
  nonRetryableErrorTypes: [FailureType.CustomerOptedOut, FailureType.TwilioRejected],
});

/** The retries after a failed local first attempt: the rest of SEND_ATTEMPTS, as `twilio` below. */
export const twilioRetries = proxyActivities<TwilioActivities>({
  startToCloseTimeout: '30 seconds',
  retry: sendRetryPolicy(SEND_ATTEMPTS - 1),
});

/**
 * Sends through Twilio. Retried with backoff for 429, 5xx and network errors; a permanent
 * refusal (4xx, opted-out customer) is non-retryable. Bounded, so a message whose fate cannot
 * be settled is marked failed instead of retrying for ever.
 */
export const twilio = proxyActivities<TwilioActivities>({
  startToCloseTimeout: '30 seconds',
  retry: sendRetryPolicy(SEND_ATTEMPTS),
});
