// The newest message (said, not merely scheduled) of each conversation on a page, in two queries whatever the page size:
// DISTINCT ON picks the ids (walking the (conversation_id, created_at) index), then the rows
// are read through Prisma so their types and timestamps are Prisma's own.
import type { Database } from '../../../infra/database.ts';
import type { LastMessageRow } from './serializers.ts';

export async function lastMessagesOf(db: Database, conversationIds: string[]): Promise<Map<string, LastMessageRow>> {
  if (conversationIds.length === 0) return new Map();
  const newest = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT ON (conversation_id) id
    FROM messages
    WHERE conversation_id = ANY(${conversationIds}::text[])
      -- What the customer and the agent last said: not a message still waiting for its time,
      -- nor one cancelled before it left.
      AND status NOT IN ('scheduled', 'canceled')
    ORDER BY conversation_id, created_at DESC, id DESC`;
  if (newest.length === 0) return new Map();
  const rows = await db.message.findMany({
    where: { id: { in: newest.map((row) => row.id) } },
    select: { id: true, conversationId: true, direction: true, author: true, body: true, status: true, createdAt: true },
  });
  return new Map(rows.map(({ conversationId, ...message }) => [conversationId, message]));
}
