// The statement before a send asks Twilio: the outbound row found or recorded (keyed by the
// workflow's clientRef), the customer's stored opt-out checked, and the row marked `sending` —
// one autocommitted statement instead of four round trips.
import { Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../infra/database.ts';
import { segmentInfo } from '../sms/segments.ts';
import { fromOutboundRow, NEW_OUTBOUND_COLUMNS, newOutboundValues, OUTBOUND_COLUMNS, type NewOutbound, type OutboundRow, type StoredOutbound } from './outbound-message-row.ts';
import { utcTimestamp } from './utc-timestamp.ts';

export interface ClaimedOutbound {
  /** As it is now when this statement wrote it; as it was found otherwise. */
  message: StoredOutbound;
  /**
   * `marked`: this statement moved it to `sending` (or recorded it so): send it now.
   * `found`: not moved (already sent, settled, blocked, or `sending` from an earlier attempt).
   * `recorded`: written by this statement, but blocked by the opt-out, so left `pending`.
   */
  outcome: 'marked' | 'found' | 'recorded';
  /** The customer has opted out and this send may not go to them. */
  blocked: boolean;
}

interface ClaimRow extends OutboundRow {
  outcome: ClaimedOutbound['outcome'];
  blocked: boolean;
}

/**
 * The UPDATE re-checks its WHERE on the newest row version, so two attempts running at once do
 * not both mark it: the second one gets `found`, as for an earlier attempt left in `sending`.
 * Undefined only when another session wrote the same clientRef while this statement ran.
 */
async function claimOnce(db: Database, input: NewOutbound & { allowOptedOut?: boolean }): Promise<ClaimedOutbound | undefined> {
  const [row] = await db.$queryRaw<ClaimRow[]>`
    WITH found AS (
      SELECT ${OUTBOUND_COLUMNS} FROM messages WHERE client_ref = ${input.clientRef}
    ), gate AS (
      SELECT coalesce((SELECT opted_out FROM contacts WHERE phone_number = ${input.to}), false)
             AND NOT ${input.allowOptedOut ?? false}::boolean AS blocked
    ), marked AS (
      UPDATE messages SET status = 'sending'
      WHERE client_ref = ${input.clientRef} AND twilio_sid IS NULL AND status NOT IN ('sending', 'refused', 'failed')
        AND NOT (SELECT blocked FROM gate)
      RETURNING ${OUTBOUND_COLUMNS}
    ), created AS (
      INSERT INTO messages ${NEW_OUTBOUND_COLUMNS}
      SELECT ${newOutboundValues(
        input,
        segmentInfo(input.body),
        Prisma.sql`CASE WHEN (SELECT blocked FROM gate) THEN 'pending' ELSE 'sending' END`,
        utcTimestamp(new Date()),
      )}
      WHERE NOT EXISTS (SELECT 1 FROM found)
      ON CONFLICT (client_ref) DO NOTHING
      RETURNING ${OUTBOUND_COLUMNS}
    )
    SELECT m.*, 'marked' AS outcome, g.blocked FROM marked m, gate g
    UNION ALL
    SELECT c.*, CASE WHEN g.blocked THEN 'recorded' ELSE 'marked' END, g.blocked FROM created c, gate g
    UNION ALL
    SELECT f.*, 'found', g.blocked FROM found f, gate g WHERE NOT EXISTS (SELECT 1 FROM marked)`;
  if (!row) return undefined;
  const { outcome, blocked, ...message } = row;
  return { message: fromOutboundRow(message), outcome, blocked };
}

export async function claimOutboundForSending(db: Database, input: NewOutbound & { allowOptedOut?: boolean }): Promise<ClaimedOutbound> {
  const claimed = (await claimOnce(db, input)) ?? (await claimOnce(db, input));
  if (!claimed) throw new Error(`the outbound message ${input.clientRef} was neither found nor recorded`);
  return claimed;
}
