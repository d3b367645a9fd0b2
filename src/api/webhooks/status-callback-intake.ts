// Where a signed status callback goes. Twilio posts each one once and does not retry a 5xx
// (without #rc connection overrides), so an answer other than 2xx loses it:
// - not about any message of ours (sent from the console, or by another app on the account):
//   kept as an audit row marked unmatched; no workflow is started for it, since none would
//   ever end;
// - ours: handed to its conversation's workflow, which records it in order with its other work;
// - ours, but Temporal cannot be reached: recorded directly, exactly as the workflow's activity
//   would (same function, same callback id, so a hand-over that did land writes no second row).
// Only when the database cannot take it either is the answer 503.
import type { Database } from '../../infra/database.ts';
import type { Logger } from '../../infra/logger.ts';
import { timeHandoff, type ApiMetrics } from '../../metrics/api-metrics.ts';
import type { StatusCallbackReport } from '../../shared/conversation-types.ts';
import { mayBeOurMessage, recordStatusCallback } from '../../store/status-callbacks.ts';
import type { ConversationGateway } from '../../temporal/conversation-client.ts';
import { HttpError } from '../http-error.ts';

export interface StatusIntakeDeps {
  db: Database;
  gateway: ConversationGateway;
  metrics?: ApiMetrics;
}

export type StatusIntakeOutcome = 'handed_over' | 'recorded_unmatched' | 'recorded_directly';

// Twilio waits 15 s. The check and the direct write are bounded so that, with the hand-over's
// own 5 s, an answer always goes out in time, even when a database host stops answering.
const CHECK_DEADLINE_MS = 2_000;
const RECORD_DEADLINE_MS = 5_000;

function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function takeStatusCallback(
  deps: StatusIntakeDeps,
  report: StatusCallbackReport & { from: string; to: string },
  log: Logger,
): Promise<StatusIntakeOutcome> {
  let ours = true;
  try {
    ours = await within(CHECK_DEADLINE_MS, 'looking up the MessageSid', mayBeOurMessage(deps.db, { messageSid: report.messageSid, from: report.from, to: report.to }));
  } catch (error) {
    // Cannot tell: the workflow's activity can, once the database is back. Losing the callback
    // would be worse than a workflow for a message that turns out not to be ours.
    log.warn({ err: error }, 'could not check whether the status callback is about one of our messages; handing it over');
  }

  if (!ours) {
    let recorded;
    try {
      recorded = await within(RECORD_DEADLINE_MS, 'recording the status callback', recordStatusCallback(deps.db, report));
    } catch (error) {
      throw new HttpError(503, 'database_unavailable', 'The status callback could not be recorded right now', undefined, { cause: error });
    }
    // `applied` only if our SID was written between the check and the write: recorded as ours.
    log.info({ applied: recorded.applied }, 'status callback about no message of ours: recorded, no workflow started');
    return 'recorded_unmatched';
  }

  try {
    await timeHandoff(deps.metrics, 'status', () => deps.gateway.deliverStatus(report.from, report.to, report));
    log.debug('status callback handed to Temporal');
    return 'handed_over';
  } catch (error) {
    log.warn({ err: error }, 'could not hand the status callback to Temporal; recording it directly');
  }
  try {
    await within(RECORD_DEADLINE_MS, 'recording the status callback', recordStatusCallback(deps.db, report));
  } catch (error) {
    throw new HttpError(503, 'service_unavailable', 'Neither Temporal nor the database could take the status callback right now', undefined, {
      cause: error,
    });
  }
  log.info('status callback recorded directly while Temporal is unreachable');
  return 'recorded_directly';
}
