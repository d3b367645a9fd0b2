// POST /api/conversations/:id/read: the caller has read the conversation up to a moment (now by
// default). The mark only moves forward, so a late request from a stale tab cannot resurrect
// unread messages, and it never runs ahead of now, so it cannot pre-read future texts.
import { z } from 'zod';
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { findConversationOr404 } from './conversation-detail.ts';
import { conversationIdParams } from './schemas.ts';
import { unreadCountsOf } from './unread-counts.ts';

const readBody = z.object({
  upTo: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO 8601; messages up to and including this moment are read (default: now)' }),
});

export function registerMarkRead(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/api/conversations/:id/read',
    summary: 'Mark the conversation read, for the caller, up to a moment',
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    body: readBody,
    response: {
      status: 200,
      description: 'The caller’s unread count afterwards',
      schema: z.object({ unreadCount: z.number().int() }),
    },
    errors: { 404: 'No conversation has this id (conversation_not_found)' },
    async handle(_ctx, { params, body, agent }) {
      await findConversationOr404(deps, params.id);
      const now = new Date();
      const requested = body.upTo ? new Date(body.upTo) : now;
      const lastReadAt = requested > now ? now : requested;
      const key = { conversationId: params.id, agentId: agent.id };
      // Two statements, each atomic, neither ever lowering the mark: concurrent calls compose.
      await deps.db.conversationRead.createMany({ data: [{ ...key, lastReadAt }], skipDuplicates: true });
      await deps.db.conversationRead.updateMany({ where: { ...key, lastReadAt: { lt: lastReadAt } }, data: { lastReadAt } });
      const unread = await unreadCountsOf(deps.db, agent.id, [params.id]);
      return { unreadCount: unread.get(params.id) ?? 0 };
    },
  });
}
