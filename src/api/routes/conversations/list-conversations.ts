// GET /api/conversations: the inbox. Filtered, searched (`q`), sorted by newest activity or by
// who has waited longest, keyset-paginated, with each row's last message, the caller's unread
// count and how long the customer has waited, in a fixed number of queries.
import { z } from 'zod';
import { E164_PATTERN, isE164 } from '../../../shared/phone-number.ts';
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { textField } from '../../routing/text-field.ts';
import { listConversationIds, type ListFilters } from './conversation-search.ts';
import { lastMessagesOf } from './last-messages.ts';
import { decodeListCursor, encodeListCursor, listCursorField } from './list-cursor.ts';
import { conversationSummarySchema, nextCursorField, pageQuery } from './schemas.ts';
import { toConversationSummaryJson } from './serializers.ts';
import { unreadCountsOf } from './unread-counts.ts';
import { waitingSinceOf } from './waiting-since.ts';

const MAX_QUERY_LENGTH = 100;

const listQuery = pageQuery('conversations').extend({
  cursor: listCursorField.optional(),
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
  q: textField({
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
    description:
      `Search, case-insensitive, 1..${MAX_QUERY_LENGTH} characters: a conversation matches when its contact's name or any ` +
      'of its messages contains the text, or, for digits (with spaces, +, -, . or parentheses), when its customer number contains those digits. ' +
      'Surrounding whitespace is ignored; blank matches everything',
  }).optional(),
  sort: z.enum(['recent', 'oldest_waiting']).default('recent').meta({
    description:
      '`recent` (default): newest activity first. `oldest_waiting`: conversations needing attention first, the customer who has ' +
      'waited longest (waitingSince) first among them, then newest activity',
  }),
});

const listResponse = z.object({ conversations: z.array(conversationSummarySchema), nextCursor: nextCursorField });

function filtersOf(query: z.infer<typeof listQuery>, callerId: string): ListFilters {
  const { assignedTo } = query;
  const q = query.q?.trim();
  return {
    status: query.status,
    assignedAgentId: assignedTo === undefined ? undefined : assignedTo === 'me' ? callerId : assignedTo === 'none' ? null : assignedTo,
    needsAttention: query.needsAttention,
    customerNumber: query.customerNumber,
    q: q ? q : undefined,
  };
}

export function registerListConversations(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/conversations',
    summary: 'List conversations: filter, search, newest activity or longest waiting first',
    tag: 'Conversations',
    access: 'agent',
    query: listQuery,
    response: { status: 200, description: 'A page of conversations', schema: listResponse },
    async handle(_ctx, { query, agent }) {
      const after = decodeListCursor(query.cursor);
      const sort = after?.sort ?? query.sort;
      const ids = await listConversationIds(deps.db, { filters: filtersOf(query, agent.id), sort, after, take: query.limit + 1 });
      const pageIds = ids.slice(0, query.limit);
      const [rows, lastMessages, unreadCounts, waiting] = await Promise.all([
        deps.db.conversation.findMany({
          where: { id: { in: pageIds } },
          include: { assignedAgent: { select: { id: true, name: true } }, contact: { select: { id: true, name: true } } },
        }),
        lastMessagesOf(deps.db, pageIds),
        unreadCountsOf(deps.db, agent.id, pageIds),
        waitingSinceOf(deps.db, pageIds),
      ]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      const page = pageIds.map((id) => byId.get(id)).filter((row) => row !== undefined);
      const last = page.at(-1);
      const nextCursor =
        ids.length > query.limit && last
          ? encodeListCursor(
              sort === 'recent'
                ? { sort, at: last.lastActivityAt, id: last.id }
                : { sort, needsAttention: last.needsAttention, waitingSince: waiting.get(last.id) ?? null, at: last.lastActivityAt, id: last.id },
            )
          : null;
      return {
        conversations: page.map((row) =>
          toConversationSummaryJson(row, lastMessages.get(row.id), unreadCounts.get(row.id) ?? 0, waiting.get(row.id) ?? null),
        ),
        nextCursor,
      };
    },
  });
}
