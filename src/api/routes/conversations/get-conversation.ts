// GET /api/conversations/:id: what is stored plus what the workflow knows right now.
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { conversationDetail } from './conversation-detail.ts';
import { conversationDetailSchema, conversationIdParams } from './schemas.ts';

export function registerGetConversation(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/conversations/:id',
    summary: "A conversation: stored data, contact, and the workflow's live state",
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    response: { status: 200, description: 'The conversation', schema: conversationDetailSchema },
    errors: { 404: 'No conversation has this id (conversation_not_found)', 503: 'Temporal is unavailable (temporal_unavailable)' },
    handle: (_ctx, { params, agent }) => conversationDetail(deps, params.id, agent.id),
  });
}
