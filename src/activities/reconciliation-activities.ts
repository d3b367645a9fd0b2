// Delivery reconciliation: outbound messages whose status has not moved for a while (their
// status callbacks lost, or our webhook down when they came) are looked up in Twilio and
// settled through the same forward-only recording as a callback, with an audit row that says
// it came from reconciliation. A message Twilio does not know is marked failed.
import { heartbeat } from '@temporalio/activity';
import type { Message, Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../infra/database.ts';
import {
  RECONCILIATION_SOURCE,
  UNKNOWN_TO_TWILIO_REASON,
  UNSETTLED_OUTBOUND_STATUSES,
  type ReconcileDeliveriesInput,
  type ReconcileDeliveriesSummary,
} from '../shared/delivery-reconciliation.ts';
import { isForwardStatus } from '../shared/message-status.ts';
import { recordStatusCallback } from '../store/status-callbacks.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { publishLiveEvent } from '../store/live-event-publisher.ts';

/** However large a limit the caller asks for, one run makes at most this many Twilio calls. */
export const MAX_RECONCILE_BATCH = 500;

type Outcome = 'settled' | 'failed' | 'unchanged';

export function createReconciliationActivities({ db, fetchMessageStatus, log }: ActivityDependencies) {
  async function reconcileOne(message: Message & { twilioSid: string }): Promise<Outcome> {
    const now = new Date().toISOString();
    const answer = await fetchMessageStatus(message.twilioSid);
    if (!answer) return (await markUnknownToTwilio(db, message, now)) ? 'failed' : 'unchanged';
    // Asking again and again about a message Twilio still has in flight writes nothing.
    if (!isForwardStatus(message.status, answer.status)) return 'unchanged';
    const recorded = await recordStatusCallback(db, {
      // Keyed by what was learnt, so a retried activity, or the next run seeing the same
      // answer, writes one audit row.
      callbackId: `reconciliation:${message.twilioSid}:${answer.status}`,
      messageSid: message.twilioSid,
      status: answer.status,
      ...(answer.errorCode !== null ? { errorCode: answer.errorCode } : {}),
      receivedAt: now,
      payload: {
        source: RECONCILIATION_SOURCE,
        MessageSid: message.twilioSid,
        MessageStatus: answer.status,
        ...(answer.errorCode !== null ? { ErrorCode: String(answer.errorCode) } : {}),
      },
    });
    return recorded.applied ? 'settled' : 'unchanged';
  }

  return {
    async reconcileStuckDeliveries(input: ReconcileDeliveriesInput): Promise<ReconcileDeliveriesSummary> {
      const cutoff = new Date(Date.now() - input.olderThanSeconds * 1000);
      const stuck = await db.message.findMany({
        where: {
          direction: 'outbound',
          twilioSid: { not: null },
          status: { in: [...UNSETTLED_OUTBOUND_STATUSES] },
          OR: [{ statusUpdatedAt: { lt: cutoff } }, { statusUpdatedAt: null, createdAt: { lt: cutoff } }],
        },
        // Oldest first, so a backlog larger than one batch is worked through run by run.
        orderBy: [{ statusUpdatedAt: { sort: 'asc', nulls: 'first' } }, { createdAt: 'asc' }],
        take: Math.max(0, Math.min(input.limit, MAX_RECONCILE_BATCH)),
      });
      const summary: ReconcileDeliveriesSummary = { checked: 0, settled: 0, failed: 0, unchanged: 0, errors: 0 };
      // One at a time: a run is small, and Twilio's rate limit is shared with real sends.
      for (const message of stuck) {
        summary.checked += 1;
        try {
          summary[await reconcileOne(message as Message & { twilioSid: string })] += 1;
        } catch (error) {
          // Twilio not answering is no news about the message: the next run asks again.
          summary.errors += 1;
          log.warn({ err: error, messageId: message.id, messageSid: message.twilioSid }, 'could not ask Twilio about a stuck message');
        }
        heartbeat(summary.checked);
      }
      if (summary.checked > 0) log.info({ ...summary }, 'delivery reconciliation finished');
      return summary;
    },
  };
}

/**
 * Twilio answered 404: the message is not on the account (never really accepted, or deleted).
 * It will never get a callback, so it fails, forward-only, with an audit row and the
 * `message.failed` event agents see for any failed send.
 */
async function markUnknownToTwilio(db: Database, message: Message & { twilioSid: string }, now: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!isForwardStatus(message.status, 'failed')) return false;
    const moved = await tx.message.updateMany({
      where: { id: message.id, status: message.status },
      data: { status: 'failed', errorMessage: UNKNOWN_TO_TWILIO_REASON, statusUpdatedAt: new Date(now) },
    });
    if (moved.count !== 1) return false;
    await publishLiveEvent(tx, {
      type: 'message.failed',
      conversationId: message.conversationId,
      messageId: message.id,
      data: { status: 'failed', errorCode: null, reason: UNKNOWN_TO_TWILIO_REASON },
    });
    await tx.statusCallback.upsert({
      where: { id: `reconciliation:${message.twilioSid}:not-found` },
      create: {
        id: `reconciliation:${message.twilioSid}:not-found`,
        messageSid: message.twilioSid,
        status: 'failed',
        applied: true,
        matched: true,
        payload: { source: RECONCILIATION_SOURCE, MessageSid: message.twilioSid, reason: UNKNOWN_TO_TWILIO_REASON } as Prisma.InputJsonValue,
        receivedAt: new Date(now),
      },
      update: {},
    });
    return true;
  });
}
