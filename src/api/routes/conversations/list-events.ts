// GET /api/conversations/:id/events: the audit trail (who assigned, closed, refused…), oldest first.
import { z } from 'zod';
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { findConversationOr404 } from './conversation-detail.ts';
import { decodeCursor, pageOf } from './cursor.ts';
import { conversationEventSchema, conversationIdParams, nextCursorField, pageQuery } from './schemas.ts';
import { toEventJson } from './serializers.ts';

const eventsResponse = z.object({ events: z.array(conversationEventSchema), nextCursor: nextCursorField });

export function registerListEvents(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/conversations/:id/events',
    summary: "A conversation's audit trail, oldest first",
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    query: pageQuery('events'),
    response: { status: 200, description: 'A page of audit events', schema: eventsResponse },
    errors: { 404: 'No conversation has this id (conversation_not_found)' },
    async handle(_ctx, { params, query }) {
      await findConversationOr404(deps, params.id);
      const after = decodeCursor('events', query.cursor);
      const rows = await deps.db.conversationEvent.findMany({
        where: {
          conversationId: params.id,
          ...(after ? { OR: [{ createdAt: { gt: after.at } }, { createdAt: after.at, id: { gt: after.id } }] } : {}),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
        include: { agent: { select: { id: true, name: true } } },
      });
      const { page, nextCursor } = pageOf(rows, query.limit, 'events', (row) => ({ at: row.createdAt, id: row.id }));
      return { events: page.map(toEventJson), nextCursor };
    },
  });
}
