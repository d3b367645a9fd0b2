// Where a signed status callback goes. Twilio posts each one once and does not retry a 5xx
// (without #rc connection overrides), so an answer other than 2xx loses it:
// - about a message of ours whose SID is stored (nearly all of them): recorded here, in one
//   statement — the forward-only status, the audit row, the live event, a 21610 opt-out. The
//   order callbacks arrive in does not matter (statuses only move forward), so the workflow need
//   not put it in line with its other work; it is signalled only when it must act: the customer
//   opted out (its state), or a message failed (the LastDeliveryFailure search attribute). Its
//   activity then finds the row this wrote and learns what it did, writing nothing twice;
// - a SID not stored yet but a send from From to To waiting for Twilio's answer (the first
//   callback can beat our write of the SID): handed to the conversation's workflow, which
//   records it after;
// - not about any message of ours (sent from the console, or by another app on the account):
//   kept as an audit row marked unmatched; no workflow is started for it, since none would
//   ever end;
// - ours, but Temporal cannot be reached: recorded directly, exactly as the workflow's activity
//   would (same function, same callback id, so a hand-over that did land writes no second row).
// Only when the database cannot take it either is the answer 503.
import type { Database } from '../../infra/database.ts';
import type { Logger } from '../../infra/logger.ts';
import { timeHandoff, type ApiMetrics } from '../../metrics/api-metrics.ts';
import type { StatusCallbackReport } from '../../shared/conversation-types.ts';
import { mayBeOurMessage, recordKnownStatusCallback, recordStatusCallback, type RecordedStatus } from '../../store/status-callbacks.ts';
import type { ConversationGateway } from '../../temporal/conversation-client.ts';
import { HttpError } from '../http-error.ts';

export interface StatusIntakeDeps {
  db: Database;
  gateway: ConversationGateway;
  metrics?: ApiMetrics;
}

export type StatusIntakeOutcome = 'recorded' | 'handed_over' | 'recorded_unmatched' | 'recorded_directly';

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
  try {
    const recorded = await within(RECORD_DEADLINE_MS, 'recording the status callback', recordKnownStatusCallback(deps.db, report));
    if (recorded) {
      await tellTheWorkflowIfItMustAct(deps, report, recorded, log);
      return 'recorded';
    }
  } catch (error) {
    // The hand-over below records it through the workflow once the database answers again.
    log.warn({ err: error }, 'could not record the status callback here; handing it over');
  }

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

/** Whether the conversation's workflow must hear of a callback the webhook recorded itself. */
export function workflowMustAct(report: StatusCallbackReport, recorded: RecordedStatus): boolean {
  return recorded.customerOptedOut || (recorded.applied && (report.status === 'failed' || report.status === 'undelivered'));
}

async function tellTheWorkflowIfItMustAct(
  deps: StatusIntakeDeps,
  report: StatusCallbackReport & { from: string; to: string },
  recorded: RecordedStatus,
  log: Logger,
): Promise<void> {
  if (!workflowMustAct(report, recorded)) return;
  try {
    await timeHandoff(deps.metrics, 'status', () => deps.gateway.deliverStatus(report.from, report.to, report));
  } catch (error) {
    // Recorded, so Twilio gets its 200 all the same. What the workflow misses: an opt-out is in
    // the stored contact, which every send re-checks before Twilio is asked, so nothing is sent
    // to the customer; only the run's own state and search attribute lag until its next event.
    log.warn({ err: error, customerOptedOut: recorded.customerOptedOut }, 'recorded a status callback but could not tell its conversation\'s workflow');
  }
}
