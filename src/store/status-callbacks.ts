// Recording a Twilio status callback: one audit row per callback, the message's status moved
// forward only, a `message.status` live event when it moved, and error 21610 marking the
// customer opted out. One function for both callers, so they cannot drift: the workflow's
// activity (the normal path) and the status webhook (while Temporal cannot be reached).
import type { Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../infra/database.ts';
import { publishLiveEvent } from './live-event-publisher.ts';
import type { StatusCallbackReport } from '../shared/conversation-types.ts';
import { isForwardStatus } from '../shared/message-status.ts';
import { OPTED_OUT_ERROR_CODE } from '../twilio/send-sms.ts';

export interface RecordedStatus {
  applied: boolean;
  messageId: string | null;
  customerOptedOut: boolean;
}

/** Advisory-lock namespace (first key) for "one status callback is being recorded". */
const CALLBACK_LOCK_SPACE = 72707370;

/**
 * Idempotent by `report.callbackId`: a retried activity, or the webhook and the activity both
 * recording the same callback (a hand-over that timed out after Temporal had it), write one row.
 */
export async function recordStatusCallback(db: Database, report: StatusCallbackReport): Promise<RecordedStatus> {
  return db.$transaction(async (tx) => {
    // Two recorders of one callback would both miss the audit row, then deadlock or collide on
    // it; the second waits here instead and then finds the first one's row.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CALLBACK_LOCK_SPACE}::int, hashtext(${report.callbackId}))`;
    const seen = await tx.statusCallback.findUnique({ where: { id: report.callbackId } });
    if (seen) return { applied: seen.applied, messageId: null, customerOptedOut: false };

    const receivedAt = new Date(report.receivedAt);
    const message = await tx.message.findUnique({ where: { twilioSid: report.messageSid } });
    let applied = false;
    if (message && isForwardStatus(message.status, report.status)) {
      const result = await tx.message.updateMany({
        where: { id: message.id, status: message.status },
        data: {
          status: report.status,
          statusUpdatedAt: receivedAt,
          ...(report.errorCode !== undefined ? { errorCode: report.errorCode } : {}),
        },
      });
      applied = result.count === 1;
      if (applied) {
        await publishLiveEvent(tx, {
          type: 'message.status',
          conversationId: message.conversationId,
          messageId: message.id,
          data: { status: report.status, errorCode: report.errorCode ?? null },
        });
      }
    }
    await tx.statusCallback.create({
      data: {
        id: report.callbackId,
        messageSid: report.messageSid,
        status: report.status,
        errorCode: report.errorCode ?? null,
        applied,
        // False also when the callback raced our own write of the SID; the audit row says so.
        matched: message !== null,
        payload: report.payload as Prisma.InputJsonValue,
        receivedAt,
      },
    });
    const customerOptedOut = report.errorCode === OPTED_OUT_ERROR_CODE && message !== null;
    if (customerOptedOut && message) {
      await tx.contact.updateMany({
        where: { phoneNumber: message.toNumber },
        data: { optedOut: true, optedOutAt: receivedAt, optOutKeyword: `TWILIO_${OPTED_OUT_ERROR_CODE}` },
      });
    }
    return { applied, messageId: message?.id ?? null, customerOptedOut };
  });
}

/**
 * Whether a status callback may be about one of our messages: its SID is stored, or a send
 * from its From to its To is waiting for Twilio's answer (its SID not written yet; Twilio can
 * post the first callback before that answer is in). One statement, both parts indexed (the
 * SID's unique index; the conversation's unique pair, then its messages).
 */
export async function mayBeOurMessage(db: Database, callback: { messageSid: string; from: string; to: string }): Promise<boolean> {
  const [row] = await db.$queryRaw<Array<{ ours: boolean }>>`
    SELECT EXISTS (SELECT 1 FROM messages WHERE twilio_sid = ${callback.messageSid})
        OR EXISTS (
          SELECT 1 FROM conversations c JOIN messages m ON m.conversation_id = c.id
          WHERE c.business_number = ${callback.from} AND c.customer_number = ${callback.to}
            AND m.direction = 'outbound' AND m.status = 'sending' AND m.twilio_sid IS NULL
        ) AS ours`;
  return row?.ours === true;
}
