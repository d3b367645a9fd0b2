// The inbox query: filters, the free-text search `q` and both sorts, as one SQL statement that
// answers the ids of a page in order with each one's waitingSince. Search is ILIKE '%…%' on the
// customer number, the contact's name and every message's text; pg_trgm's GIN indexes on those
// columns (migration 20261130000200_agent_console) keep it from reading every row.
import { Prisma } from '../../../generated/prisma/client.ts';
import type { Database } from '../../../infra/database.ts';
import type { ConversationSort, ListPosition } from './list-cursor.ts';
import { utcSql, WAITING_SINCE_SQL } from './waiting-since.ts';

export interface ListFilters {
  status?: 'open' | 'closed';
  /** An agent id, or null for unassigned. */
  assignedAgentId?: string | null;
  needsAttention?: boolean;
  customerNumber?: string;
  q?: string;
}

/** `text` as a LIKE pattern matching it literally anywhere (`\` is PostgreSQL's default escape). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Text that reads as (part of) a phone number: digits with the usual punctuation. */
const PHONE_LIKE = /^[\d\s()+.-]+$/;

function searchSql(q: string): Prisma.Sql {
  const pattern = containsPattern(q);
  const digits = q.replace(/\D/g, '');
  const byNumber = PHONE_LIKE.test(q) && digits.length > 0 ? Prisma.sql`c.customer_number LIKE ${containsPattern(digits)} OR ` : Prisma.empty;
  return Prisma.sql`(${byNumber}ct.name ILIKE ${pattern}
    OR EXISTS (SELECT 1 FROM messages sm WHERE sm.conversation_id = c.id AND sm.body ILIKE ${pattern}))`;
}

function filterSql(filters: ListFilters): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (filters.status) conditions.push(Prisma.sql`c.status::text = ${filters.status}`);
  if (filters.assignedAgentId === null) conditions.push(Prisma.sql`c.assigned_agent_id IS NULL`);
  else if (filters.assignedAgentId !== undefined) conditions.push(Prisma.sql`c.assigned_agent_id = ${filters.assignedAgentId}`);
  if (filters.needsAttention !== undefined) conditions.push(Prisma.sql`c.needs_attention = ${filters.needsAttention}`);
  if (filters.customerNumber) conditions.push(Prisma.sql`c.customer_number = ${filters.customerNumber}`);
  if (filters.q) conditions.push(searchSql(filters.q));
  return Prisma.join(conditions, ' AND ');
}

/** Rows strictly after the cursor in its own order (see ORDER_BY). */
function afterSql(after: ListPosition | undefined): Prisma.Sql {
  if (!after) return Prisma.sql`TRUE`;
  const afterActivity = Prisma.sql`(t.last_activity_at < ${utcSql(after.at)} OR (t.last_activity_at = ${utcSql(after.at)} AND t.id < ${after.id}))`;
  if (after.sort === 'recent') return afterActivity;
  const rank = after.needsAttention ? 0 : 1;
  const waiting = after.waitingSince ? utcSql(after.waitingSince) : Prisma.sql`'infinity'::timestamp`;
  return Prisma.sql`(t.attention_rank > ${rank}
    OR (t.attention_rank = ${rank} AND t.waiting_key > ${waiting})
    OR (t.attention_rank = ${rank} AND t.waiting_key = ${waiting} AND ${afterActivity}))`;
}

const ORDER_BY: Record<ConversationSort, Prisma.Sql> = {
  recent: Prisma.sql`t.last_activity_at DESC, t.id DESC`,
  // Needing attention first; then the longest-waiting customer; then the newest activity.
  oldest_waiting: Prisma.sql`t.attention_rank, t.waiting_key, t.last_activity_at DESC, t.id DESC`,
};

/**
 * The ids of one page (take = page size + 1), in order. waitingSince is worked out here only
 * when the sort needs it; the page's own values come from waitingSinceOf.
 */
export async function listConversationIds(
  db: Database,
  options: { filters: ListFilters; sort: ConversationSort; after?: ListPosition; take: number },
): Promise<string[]> {
  // A cursor continues the order it was made in.
  const sort = options.after?.sort ?? options.sort;
  const waitingColumns =
    sort === 'oldest_waiting'
      ? Prisma.sql`, CASE WHEN c.needs_attention THEN 0 ELSE 1 END AS attention_rank,
                     COALESCE(${WAITING_SINCE_SQL}, 'infinity'::timestamp) AS waiting_key`
      : Prisma.empty;
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT t.id
      FROM (
        SELECT c.id, c.last_activity_at ${waitingColumns}
          FROM conversations c
          JOIN contacts ct ON ct.id = c.contact_id
         WHERE ${filterSql(options.filters)}
      ) t
     WHERE ${afterSql(options.after)}
     ORDER BY ${ORDER_BY[sort]}
     LIMIT ${options.take}`;
  return rows.map((row) => row.id);
}
