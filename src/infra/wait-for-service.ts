// Waiting for a service this process needs (PostgreSQL, Temporal) instead of exiting when it is
// not reachable: the attempt is retried with capped exponential backoff, each failure logged at
// warn with what we wait for and when the next attempt comes, until it works, fails in a way
// waiting cannot fix, or the process is asked to stop.
//
// Why by hand rather than p-retry or exponential-backoff: the whole loop is a few lines, and we
// need exactly these behaviours from it — our pino fields on every wait, secrets scrubbed from
// the reasons we log, an AbortSignal that ends the wait (and an attempt in flight) at once on
// SIGTERM, and a predicate for permanent errors — which would still be most of this code on top
// of a new dependency.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.ts';

export interface BackoffOptions {
  /** Delay before the second attempt. Default 250 ms. */
  initialDelayMs?: number;
  /** The delay never grows past this. Default 10 s. */
  maxDelayMs?: number;
}

export interface RetryOptions extends BackoffOptions {
  log: Logger;
  /** Aborting ends the wait at once, rejecting with the signal's reason. */
  signal?: AbortSignal;
  /** Errors that waiting cannot fix (a failed migration, bad credentials): thrown at once. */
  isPermanent?: (error: unknown) => boolean;
  /** Extra fields for the log lines, e.g. a redacted address. Never put secrets here. */
  context?: Record<string, unknown>;
}

/**
 * The delay before attempt `failures + 1`: doubling from `initialDelayMs`, capped at
 * `maxDelayMs`, with "equal jitter" (between half and all of it) so replicas that lost a
 * service together do not all come back in the same instant.
 */
export function backoffDelay(failures: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const base = Math.min(max, initial * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * Runs `attempt` until it resolves; returns its result. Each failure that `isPermanent` does not
 * claim is logged at warn and retried after a growing delay.
 */
export async function retryUntilAvailable<T>(
  what: string,
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { log, signal } = options;
  for (let attemptNumber = 1; ; attemptNumber += 1) {
    signal?.throwIfAborted();
    try {
      const result = await untilAborted(attempt(attemptNumber), signal);
      if (attemptNumber > 1) log.info({ ...options.context, waitingFor: what, attempts: attemptNumber }, `${what} is available`);
      return result;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (options.isPermanent?.(error)) throw error;
      const retryInMs = backoffDelay(attemptNumber, options);
      log.warn(
        { ...options.context, waitingFor: what, attempt: attemptNumber, retryInMs, reason: describeError(error) },
        `${what} is not available yet; next attempt in ${retryInMs} ms`,
      );
      await sleep(retryInMs, undefined, { signal }).catch(() => {
        throw signal?.reason ?? new Error('aborted');
      });
    }
  }
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it is aborted. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** `user:password@` in any URL inside `text` becomes `user:***@`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^@/\s]*@/gi, '$1:***@');
}

/** A database URL fit for a log line: no password, no query string (it may hold one too). */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** One line on why an attempt failed, with any code the error carries, and no credentials. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redactUrlCredentials(String(error));
  const parts: string[] = [];
  // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) hides the useful part inside.
  const inner = error instanceof AggregateError && error.errors.length > 0 ? (error.errors[0] as unknown) : undefined;
  const message = error.message || (inner instanceof Error ? inner.message : '') || error.name;
  parts.push(message);
  const code = (error as { code?: unknown }).code ?? (inner as { code?: unknown } | undefined)?.code;
  if (code !== undefined && !message.includes(String(code))) parts.push(`(${String(code)})`);
  return redactUrlCredentials(parts.join(' '));
}
