// Turns a database failure inside a database activity into a failure the workflow can act on:
// - the database refused the data itself (a data exception, a constraint, a bad statement):
//   retrying cannot help, so it is non-retryable `StoreRejected` and the job is parked;
// - the database is unreachable or restarting: `DatabaseUnavailable`, retried, and the workflow
//   waits for it rather than parking anything (an outage is not the job's fault);
// - anything else is left as it is: retried a bounded number of times, then parked.
// The failure's message names the SQLSTATE and its class only, never the driver's text, which
// can quote the data.
// Written by hand: Prisma's driver-adapter errors and pg's errors carry the SQLSTATE in different
// places, and no library maps SQLSTATE classes to "retry or not".
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../shared/failure-types.ts';

/** SQLSTATE classes (first two characters) that mean "this data or statement is refused for good". */
const REFUSED_CLASSES: Record<string, string> = {
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '42': 'syntax error or access rule violation',
};

/** SQLSTATE classes and codes that mean "the database is not available right now". */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57']);

/** Node socket errors that mean the database cannot be reached. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

const CONNECTION_LOST = /connection (terminated|ended|closed)|timeout exceeded when trying to connect|can't reach database|server closed the connection/i;

/** Every error in the cause chain, including Prisma's driver-adapter details. */
function* errorChain(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    yield record;
    const adapterError = (record.meta as Record<string, unknown> | undefined)?.driverAdapterError;
    if (adapterError && typeof adapterError === 'object') yield* errorChain(adapterError);
    current = record.cause;
  }
}

function sqlState(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    for (const key of ['originalCode', 'code']) {
      const value = link[key];
      if (typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) && !value.startsWith('P')) return value;
    }
  }
  return undefined;
}

function unreachable(error: unknown): boolean {
  for (const link of errorChain(error)) {
    if (typeof link.code === 'string' && UNREACHABLE_CODES.has(link.code)) return true;
    if (link.kind === 'DatabaseNotReachable' || link.kind === 'ConnectionClosed' || link.kind === 'SocketTimeout') return true;
    if (typeof link.message === 'string' && CONNECTION_LOST.test(link.message)) return true;
  }
  return false;
}

/** A unique key refused the row: another session wrote the same key first (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/** The failure to throw instead of `error`, or undefined to let it be retried as it is. */
export function classifyStoreError(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ApplicationFailure) return undefined;
  const state = sqlState(error);
  const refused = state ? REFUSED_CLASSES[state.slice(0, 2)] : undefined;
  if (state && refused) {
    return ApplicationFailure.create({
      type: FailureType.StoreRejected,
      message: `PostgreSQL refused the data (SQLSTATE ${state}, ${refused})`,
      nonRetryable: true,
    });
  }
  if ((state && UNAVAILABLE_CLASSES.has(state.slice(0, 2))) || unreachable(error)) {
    return ApplicationFailure.create({
      type: FailureType.DatabaseUnavailable,
      message: `PostgreSQL is not available${state ? ` (SQLSTATE ${state})` : ''}`,
    });
  }
  return undefined;
}

type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

/** Answers whether the database answers a trivial query right now. */
export type DatabaseProbe = () => Promise<boolean>;

function unavailable(): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.DatabaseUnavailable, message: 'PostgreSQL is not available' });
}

/**
 * Wraps every activity of a set so database failures are classified as above. An error that
 * cannot be classified by its codes is checked against a trivial query: if the database does not
 * answer that either, the failure is an outage (waited for), not the job's fault (parked).
 */
export function classifyingStoreErrors<T extends AsyncFunctions>(activities: T, probe: DatabaseProbe): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await run(...args);
      } catch (error) {
        const classified = classifyStoreError(error);
        if (classified) throw classified;
        if (!(error instanceof ApplicationFailure) && !(await probe())) throw unavailable();
        throw error;
      }
    };
  }
  return wrapped as T;
}
