// How long a customer has been waiting: from their oldest text that no agent has answered, i.e.
// the earliest inbound message after the latest message an agent wrote. Only for conversations
// needing attention (null otherwise), and derived from the stored messages at read time, so it
// needs nothing from the workflow.
import { Prisma } from '../../../generated/prisma/client.ts';
import type { Database } from '../../../infra/database.ts';

/** The moment as SQL, over a conversation row aliased `c` (walks the (conversation_id, created_at) index twice). */
export const WAITING_SINCE_SQL = Prisma.sql`
  CASE WHEN c.needs_attention THEN (
    SELECT min(m.created_at)
      FROM messages m
     WHERE m.conversation_id = c.id
       AND m.direction = 'inbound'
       AND m.created_at > COALESCE(
             (SELECT max(a.created_at) FROM messages a WHERE a.conversation_id = c.id AND a.author = 'agent'),
             '-infinity'::timestamp)
  ) END`;

/** A stored UTC wall-clock time as epoch milliseconds, in SQL (a double, exact at millisecond precision). */
export function epochMsSql(expression: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(extract(epoch FROM ${expression}) * 1000)::float8`;
}

/** A moment as the UTC wall-clock time columns hold, whatever the session's time zone. */
export function utcSql(date: Date): Prisma.Sql {
  return Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** `waitingSince` of each conversation (absent: not waiting). */
export async function waitingSinceOf(db: Database, conversationIds: string[]): Promise<Map<string, Date>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; waiting_ms: number | null }[]>`
    SELECT c.id, ${epochMsSql(WAITING_SINCE_SQL)} AS waiting_ms
      FROM conversations c
     WHERE c.id = ANY(${conversationIds}::text[])`;
  return new Map(rows.filter((row) => row.waiting_ms !== null).map((row) => [row.id, new Date(Number(row.waiting_ms))]));
}
