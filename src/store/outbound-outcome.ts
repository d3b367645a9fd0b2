// Writing a send's outcome, each in one autocommitted statement with its live event and NOTIFY
// (an interactive transaction cost BEGIN and COMMIT round trips besides its statements):
// accepted by Twilio (or found sent, for an attempt whose answer was lost), or not sent.
import { Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../infra/database.ts';
import type { AcceptedSms } from '../twilio/send-sms.ts';
import { notifyEachSql } from './live-event-publisher.ts';
import { fromOutboundRow, OUTBOUND_COLUMNS, type OutboundRow, type StoredOutbound } from './outbound-message-row.ts';
import { utcTimestamp } from './utc-timestamp.ts';

/** Twilio's SID and status on the message, the conversation's last activity, and `message.sent`. */
export async function markOutboundAccepted(
  db: Database,
  message: Pick<StoredOutbound, 'id' | 'author'>,
  accepted: AcceptedSms,
): Promise<StoredOutbound> {
  const now = utcTimestamp(new Date());
  const data = JSON.stringify({ author: message.author, status: accepted.status, twilioSid: accepted.sid });
  const [row] = await db.$queryRaw<OutboundRow[]>`
    WITH updated AS (
      UPDATE messages
      SET twilio_sid = ${accepted.sid}, status = ${accepted.status}, num_segments = coalesce(${accepted.numSegments ?? null}::int, num_segments),
          sent_at = ${now}, status_updated_at = ${now}
      WHERE id = ${message.id}
      RETURNING ${OUTBOUND_COLUMNS}
    ), touched AS (
      UPDATE conversations SET last_activity_at = ${now}, updated_at = ${now}
      WHERE id IN (SELECT conversation_id FROM updated)
      RETURNING id
    ), events AS (
      INSERT INTO live_events (type, conversation_id, message_id, data, created_at)
      SELECT 'message.sent', conversation_id, id, ${data}::jsonb, ${now} FROM updated
      RETURNING id
    )
    SELECT u.*, ${notifyEachSql('events')} AS notified FROM updated u`;
  if (!row) throw new Error(`the outbound message ${message.id} to mark accepted is not stored`);
  return fromOutboundRow(row);
}

/**
 * The message will not be sent: `refused` (opted-out customer) or `failed`, with the reason
 * agents read, and `message.failed`. By id (`refuse`), or by clientRef when retries ran out —
 * then only while it is unsettled (not sent, not failed or refused already), so a re-run writes
 * nothing. Answers whether it wrote.
 */
export async function markOutboundNotSent(
  db: Database,
  target: { id: string } | { clientRef: string },
  outcome: { status: 'refused' | 'failed'; errorCode: number | null; reason: string },
): Promise<boolean> {
  const now = utcTimestamp(new Date());
  const data = JSON.stringify({ status: outcome.status, errorCode: outcome.errorCode, reason: outcome.reason });
  const where = 'id' in target
    ? Prisma.sql`id = ${target.id}`
    : Prisma.sql`client_ref = ${target.clientRef} AND twilio_sid IS NULL AND status NOT IN ('failed', 'refused')`;
  // Refusing sets the code (Twilio's, or none); running out of retries leaves the column alone.
  const errorCode = 'id' in target ? Prisma.sql`, error_code = ${outcome.errorCode}::int` : Prisma.empty;
  const [row] = await db.$queryRaw<Array<{ notified: number }>>`
    WITH updated AS (
      UPDATE messages
      SET status = ${outcome.status}, error_message = ${outcome.reason}, status_updated_at = ${now}${errorCode}
      WHERE ${where}
      RETURNING id, conversation_id
    ), events AS (
      INSERT INTO live_events (type, conversation_id, message_id, data, created_at)
      SELECT 'message.failed', conversation_id, id, ${data}::jsonb, ${now} FROM updated
      RETURNING id
    )
    SELECT ${notifyEachSql('events')} AS notified`;
  return (row?.notified ?? 0) > 0;
}
