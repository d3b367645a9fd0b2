// Recording an outbound message (`pending`) before anything is sent, keyed by the workflow's
// clientRef, in one statement: the row found (a re-run) or written, and a scheduled message
// whose time came released to `pending`.
import { Prisma } from '../generated/prisma/client.ts';
import type { Database } from '../infra/database.ts';
import { segmentInfo } from '../sms/segments.ts';
import { fromOutboundRow, NEW_OUTBOUND_COLUMNS, newOutboundValues, OUTBOUND_COLUMNS, type NewOutbound, type OutboundRow, type StoredOutbound } from './outbound-message-row.ts';
import { utcTimestamp } from './utc-timestamp.ts';

/**
 * The row as it was found (a scheduled one reads `scheduled`: the caller reports it `pending`,
 * as it is now), or as written. Undefined only when another session wrote the same clientRef
 * while this statement ran (its INSERT did nothing, its snapshot has no row): ask again.
 */
async function recordOnce(db: Database, input: NewOutbound): Promise<StoredOutbound | undefined> {
  const now = utcTimestamp(new Date());
  const [row] = await db.$queryRaw<OutboundRow[]>`
    WITH found AS (
      SELECT ${OUTBOUND_COLUMNS} FROM messages WHERE client_ref = ${input.clientRef}
    ), released AS (
      UPDATE messages SET status = 'pending', status_updated_at = ${now}
      WHERE client_ref = ${input.clientRef} AND status = 'scheduled'
      RETURNING id
    ), created AS (
      INSERT INTO messages ${NEW_OUTBOUND_COLUMNS}
      SELECT ${newOutboundValues(input, segmentInfo(input.body), Prisma.sql`'pending'`, now)}
      WHERE NOT EXISTS (SELECT 1 FROM found)
      ON CONFLICT (client_ref) DO NOTHING
      RETURNING ${OUTBOUND_COLUMNS}
    )
    SELECT * FROM found UNION ALL SELECT * FROM created`;
  return row && fromOutboundRow(row);
}

export async function recordPendingOutbound(db: Database, input: NewOutbound): Promise<StoredOutbound> {
  return (await recordOnce(db, input)) ?? (await recordOnce(db, input)) ?? missing(input);
}

function missing(input: NewOutbound): never {
  throw new Error(`the outbound message ${input.clientRef} was neither found nor recorded`);
}
