// GET /api/conversations: the inbox. Newest activity first, filtered, keyset-paginated, with
// each row's last message and the caller's unread count, in a fixed number of queries.
import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { E164_PATTERN, isE164 } from '../../../shared/phone-number.ts';
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { decodeCursor, pageOf, type CursorPosition } from './cursor.ts';
import { lastMessagesOf } from './last-messages.ts';
import { conversationSummarySchema, nextCursorField, pageQuery } from './schemas.ts';
import { toConversationSummaryJson } from './serializers.ts';
import { unreadCountsOf } from './unread-counts.ts';

const listQuery = pageQuery('conversations').extend({
  status: z.enum(['open', 'closed']).optional(),
  assignedTo: z
    .union([z.literal('me'), z.literal('none'), z.uuid()])
    .optional()
    .meta({ description: 'An agent id, `me` (the caller) or `none` (unassigned)' }),
  needsAttention: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  customerNumber: z
    .string()
    // An unencoded "+" in a query string arrives as a space; restore it rather than refuse a
    // number the client plainly meant.
    .transform((value) => value.replace(/^ /, '+'))
    .refine(isE164, 'must be an E.164 number, e.g. +447700900123 (encode the + as %2B)')
    .optional()
    // The pattern isE164 checks (a leading space, an unencoded +, is forgiven as well).
    .meta({ description: 'E.164; encode the + as %2B', pattern: E164_PATTERN.source }),
});

const listResponse = z.object({ conversations: z.array(conversationSummarySchema), nextCursor: nextCursorField });

type ListFilters = Pick<z.infer<typeof listQuery>, 'status' | 'assignedTo' | 'needsAttention' | 'customerNumber'>;

function whereOf(filters: ListFilters, callerId: string, after: CursorPosition | undefined): Prisma.ConversationWhereInput {
  const assignedAgentId = filters.assignedTo === undefined ? undefined : filters.assignedTo === 'me' ? callerId : filters.assignedTo === 'none' ? null : filters.assignedTo;
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(assignedAgentId !== undefined ? { assignedAgentId } : {}),
    ...(filters.needsAttention !== undefined ? { needsAttention: filters.needsAttention } : {}),
    ...(filters.customerNumber ? { customerNumber: filters.customerNumber } : {}),
    // Strictly after the cursor in (lastActivityAt desc, id desc) order.
    ...(after ? { OR: [{ lastActivityAt: { lt: after.at } }, { lastActivityAt: after.at, id: { lt: after.id } }] } : {}),
  };
}

export function registerListConversations(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/conversations',
    summary: 'List conversations, newest activity first',
    tag: 'Conversations',
    access: 'agent',
    query: listQuery,
    response: { status: 200, description: 'A page of conversations', schema: listResponse },
    async handle(_ctx, { query, agent }) {
      const after = decodeCursor('conversations', query.cursor);
      const rows = await deps.db.conversation.findMany({
        where: whereOf(query, agent.id, after),
        orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
        include: { assignedAgent: { select: { id: true, name: true } } },
      });
      const { page, nextCursor } = pageOf(rows, query.limit, 'conversations', (row) => ({ at: row.lastActivityAt, id: row.id }));
      const ids = page.map((row) => row.id);
      const [lastMessages, unreadCounts] = await Promise.all([lastMessagesOf(deps.db, ids), unreadCountsOf(deps.db, agent.id, ids)]);
      return {
        conversations: page.map((row) => toConversationSummaryJson(row, lastMessages.get(row.id), unreadCounts.get(row.id) ?? 0)),
        nextCursor,
      };
    },
  });
}
