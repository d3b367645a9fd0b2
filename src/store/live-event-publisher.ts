// Writes a live event in the caller's transaction and NOTIFYs listeners, so an event exists
// exactly when the change it describes was committed, and every API replica hears about it.
import { Prisma } from '../generated/prisma/client.ts';
import { LIVE_EVENTS_CHANNEL, type LiveEventInput } from '../shared/live-events.ts';
import { utcTimestamp } from './utc-timestamp.ts';

/**
 * The INSERT and its NOTIFY in one statement (a live event comes with nearly every write, so a
 * round trip saved here is one per text, per send and per status change). The payload is the
 * id, listeners read the row; it is delivered on commit.
 */
export async function publishLiveEvent(tx: Prisma.TransactionClient, event: LiveEventInput): Promise<void> {
  await tx.$executeRaw`
    WITH created AS (
      INSERT INTO live_events (type, conversation_id, message_id, data, created_at)
      VALUES (${event.type}, ${event.conversationId ?? null}, ${event.messageId ?? null},
              ${JSON.stringify(event.data ?? {})}::jsonb, ${utcTimestamp(new Date())})
      RETURNING id
    )
    SELECT pg_notify(${LIVE_EVENTS_CHANNEL}, id::text) FROM created`;
}

/**
 * For a statement that inserts live events in a CTE named `cte` (returning `id`): the NOTIFY of
 * each, as a select-list expression (its value is the number sent).
 */
export function notifyEachSql(cte: string): Prisma.Sql {
  return Prisma.sql`(SELECT count(*) FROM ${Prisma.raw(cte)} e, LATERAL (SELECT pg_notify(${LIVE_EVENTS_CHANNEL}, e.id::text)) n)::int`;
}
