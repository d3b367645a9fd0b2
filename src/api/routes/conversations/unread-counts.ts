// How many inbound messages each conversation holds that this agent has not read: those
// created after the agent's read mark, or all of them when the agent never marked any.
// One grouped query for a whole page.
import type { Database } from '../../../infra/database.ts';

export async function unreadCountsOf(db: Database, agentId: string, conversationIds: string[]): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ conversationId: string; unread: number }[]>`
    SELECT m.conversation_id AS "conversationId", COUNT(*)::int AS unread
    FROM messages m
    LEFT JOIN conversation_reads r ON r.conversation_id = m.conversation_id AND r.agent_id = ${agentId}
    WHERE m.conversation_id = ANY(${conversationIds}::text[])
      AND m.direction = 'inbound'
      AND (r.last_read_at IS NULL OR m.created_at > r.last_read_at)
    GROUP BY m.conversation_id`;
  return new Map(rows.map((row) => [row.conversationId, Number(row.unread)]));
}
