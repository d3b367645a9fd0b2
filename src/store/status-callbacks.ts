// Recording a Twilio status callback: one audit row per callback, the message's status moved
// forward only, a `message.status` live event when it moved, and error 21610 marking the
// customer opted out. One function for both callers, so they cannot drift: the workflow's
// activity (the normal path) and the status webhook (while Temporal cannot be reached).
import type { Database } from '../infra/database.ts';
import { notifyEachSql } from './live-event-publisher.ts';
import type { StatusCallbackReport } from '../shared/conversation-types.ts';
import { statusesNotBefore } from '../shared/message-status.ts';
import { utcTimestamp } from './utc-timestamp.ts';
import { OPTED_OUT_ERROR_CODE } from '../twilio/send-sms.ts';

export interface RecordedStatus {
  applied: boolean;
  messageId: string | null;
  customerOptedOut: boolean;
}

interface RecordedRow {
  /** The callback's audit row was there already (a re-run, or the other recorder): its `applied`. */
  seen_applied: boolean | null;
  /** That row's error 21610 on a message of ours: the customer opted out through it. */
  seen_opted_out: boolean | null;
  /** Written by this statement: whether it moved the message. Null when it wrote nothing. */
  written_applied: boolean | null;
  message_id: string | null;
}

/**
 * Idempotent by `report.callbackId`: a retried activity, or the webhook and the activity both
 * recording the same callback (a hand-over that timed out after Temporal had it), write one row.
 *
 * One statement (so no transaction round trips): the forward-only UPDATE of the message, the
 * audit row (ON CONFLICT on its id), the `message.status` live event and its NOTIFY, and on
 * 21610 the opt-out. Two recorders of one callback cannot both apply it: the second one's UPDATE
 * waits for the first one's row lock and then finds the status no longer behind; its INSERT
 * waits on the audit row's key and then does nothing. Locks are taken in one order (message,
 * audit row, contact), so they cannot deadlock either.
 */
export async function recordStatusCallback(db: Database, report: StatusCallbackReport): Promise<RecordedStatus> {
  const recorded = await writeStatusCallback(db, report, { onlyKnown: false });
  if (!recorded) throw new Error('recording a status callback wrote nothing');
  return recorded;
}

/**
 * The status webhook's common path: records the callback exactly as `recordStatusCallback` does
 * when its MessageSid is one of our stored messages (or the callback was recorded before), and
 * writes nothing — answering undefined — otherwise, so the caller can still hand a callback that
 * beat our write of the SID to the conversation's workflow instead of filing it as unmatched.
 */
export async function recordKnownStatusCallback(db: Database, report: StatusCallbackReport): Promise<RecordedStatus | undefined> {
  return writeStatusCallback(db, report, { onlyKnown: true });
}

async function writeStatusCallback(db: Database, report: StatusCallbackReport, options: { onlyKnown: boolean }): Promise<RecordedStatus | undefined> {
  const receivedAt = utcTimestamp(new Date(report.receivedAt));
  const notBefore = statusesNotBefore(report.status);
  const errorCode = report.errorCode ?? null;
  const optsOut = report.errorCode === OPTED_OUT_ERROR_CODE;
  const [row] = await db.$queryRaw<RecordedRow[]>`
    WITH seen AS (
      SELECT applied, matched AND error_code = ${OPTED_OUT_ERROR_CODE} AS opted_out FROM status_callbacks WHERE id = ${report.callbackId}
    ), target AS (
      SELECT id, to_number FROM messages WHERE twilio_sid = ${report.messageSid}
    ), moved AS (
      UPDATE messages
      SET status = ${report.status}, status_updated_at = ${receivedAt}, error_code = coalesce(${errorCode}::int, error_code)
      WHERE twilio_sid = ${report.messageSid}
        AND ${notBefore !== null} AND status <> ALL(${notBefore ?? []}::text[])
        AND NOT EXISTS (SELECT 1 FROM seen)
      RETURNING id, conversation_id
    ), audit AS (
      INSERT INTO status_callbacks (id, message_sid, status, error_code, applied, matched, payload, received_at)
      SELECT ${report.callbackId}, ${report.messageSid}, ${report.status}, ${errorCode}::int,
             EXISTS (SELECT 1 FROM moved),
             -- False also when the callback raced our own write of the SID; the audit row says so.
             EXISTS (SELECT 1 FROM target),
             ${JSON.stringify(report.payload)}::jsonb, ${receivedAt}
      WHERE NOT EXISTS (SELECT 1 FROM seen) AND (${!options.onlyKnown} OR EXISTS (SELECT 1 FROM target))
      ON CONFLICT (id) DO NOTHING
      RETURNING applied
    ), event AS (
      INSERT INTO live_events (type, conversation_id, message_id, data, created_at)
      SELECT 'message.status', conversation_id, id,
             ${JSON.stringify({ status: report.status, errorCode })}::jsonb, ${utcTimestamp(new Date())}
      FROM moved
      RETURNING id
    ), opted_out AS (
      UPDATE contacts
      SET opted_out = true, opted_out_at = ${receivedAt}, opt_out_keyword = ${`TWILIO_${OPTED_OUT_ERROR_CODE}`},
          updated_at = ${utcTimestamp(new Date())}
      WHERE ${optsOut} AND phone_number IN (SELECT to_number FROM target) AND EXISTS (SELECT 1 FROM audit)
      RETURNING id
    )
    SELECT (SELECT applied FROM seen) AS seen_applied,
           (SELECT opted_out FROM seen) AS seen_opted_out,
           (SELECT applied FROM audit) AS written_applied,
           (SELECT id FROM target) AS message_id,
           ${notifyEachSql('event')} AS notified,
           (SELECT count(*) FROM opted_out)::int AS opted_out`;
  if (!row) throw new Error('recording a status callback returned no row');
  if (row.written_applied !== null) {
    return { applied: row.written_applied, messageId: row.message_id, customerOptedOut: optsOut && row.message_id !== null };
  }
  // Recorded before (the webhook recorded it and handed it on, or a re-run): what it did then,
  // so the workflow learns of an opt-out or a failure it did not record itself.
  if (row.seen_applied !== null) return { applied: row.seen_applied, messageId: null, customerOptedOut: row.seen_opted_out === true };
  if (options.onlyKnown && row.message_id === null) return undefined;
  // The other recorder of this callback committed its row while this statement ran.
  const stored = await db.statusCallback.findUniqueOrThrow({ where: { id: report.callbackId }, select: { applied: true, matched: true, errorCode: true } });
  return { applied: stored.applied, messageId: null, customerOptedOut: stored.matched === true && stored.errorCode === OPTED_OUT_ERROR_CODE };
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
