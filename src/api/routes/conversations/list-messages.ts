// GET /api/conversations/:id/messages: the conversation's messages, newest first.
import { z } from 'zod';
import type { ApiDeps } from '../../api-deps.ts';
import { mediaUrlPolicy } from '../../media-url-policy.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { findConversationOr404 } from './conversation-detail.ts';
import { decodeCursor, pageOf } from './cursor.ts';
import { conversationIdParams, messageSchema, nextCursorField, pageQuery } from './schemas.ts';
import { toMessageJson } from './serializers.ts';

const messagesResponse = z.object({ messages: z.array(messageSchema), nextCursor: nextCursorField });

export function registerListMessages(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/conversations/:id/messages',
    summary: "A conversation's messages, newest first",
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    query: pageQuery('messages'),
    response: { status: 200, description: 'A page of messages', schema: messagesResponse },
    errors: { 404: 'No conversation has this id (conversation_not_found)' },
    async handle(_ctx, { params, query }) {
      await findConversationOr404(deps, params.id);
      const before = decodeCursor('messages', query.cursor);
      const rows = await deps.db.message.findMany({
        where: {
          conversationId: params.id,
          ...(before ? { OR: [{ createdAt: { lt: before.at } }, { createdAt: before.at, id: { lt: before.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: query.limit + 1,
      });
      const { page, nextCursor } = pageOf(rows, query.limit, 'messages', (row) => ({ at: row.createdAt, id: row.id }));
      const media = mediaUrlPolicy(deps);
      return { messages: page.map((message) => toMessageJson(message, media)), nextCursor };
    },
  });
}
