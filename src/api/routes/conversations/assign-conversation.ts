// POST /api/conversations/:id/assign: take a conversation, or give it to a colleague. The
// workflow decides (synchronously, so of two agents racing exactly one wins); taking over from
// another agent needs `force`, which only admins may use.
import { z } from 'zod';
import { assignUpdate } from '../../../shared/conversation-definitions.ts';
import type { ApiDeps } from '../../api-deps.ts';
import { HttpError } from '../../http-error.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { viaWorkflow } from '../../temporal-errors.ts';
import { actingAs } from './acting-agent.ts';
import { conversationDetail, conversationKeyOf, findConversationOr404 } from './conversation-detail.ts';
import { conversationDetailSchema, conversationIdParams } from './schemas.ts';

const assignBody = z.object({
  agentId: z.uuid().optional().meta({ description: 'The agent to assign; defaults to the caller' }),
  force: z.boolean().optional().meta({ description: 'Take the conversation over from the agent holding it (admins only)' }),
});

/** The assignee's name; refuses an unknown or deactivated agent. */
async function assignableName(deps: ApiDeps, agentId: string): Promise<string> {
  const target = await deps.db.agent.findUnique({ where: { id: agentId }, select: { active: true, name: true } });
  if (!target?.active) {
    throw new HttpError(422, 'agent_not_assignable', `No active agent has id ${agentId}`, { fields: [{ field: 'body.agentId', message: 'not an active agent' }] });
  }
  return target.name;
}

export function registerAssignConversation(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'post',
    path: '/api/conversations/:id/assign',
    summary: 'Assign a conversation (to the caller by default)',
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    body: assignBody,
    response: { status: 200, description: 'Assigned; the conversation as GET /api/conversations/{id} shows it', schema: conversationDetailSchema },
    errors: {
      403: '`force` was given by an agent who is not an admin (forbidden)',
      404: 'No conversation has this id (conversation_not_found)',
      409: 'Another agent holds the conversation (already_assigned; `error.details.assignedAgentId` says who) or it is closed (conversation_closed)',
      422: 'The target agent does not exist or is deactivated (agent_not_assignable)',
      503: 'Temporal is unavailable (temporal_unavailable)',
    },
    async handle(_ctx, { params, body, agent }) {
      const conversation = await findConversationOr404(deps, params.id);
      if (body.force && agent.role !== 'admin') throw new HttpError(403, 'forbidden', 'Only admins may take a conversation over from another agent');
      const agentId = body.agentId ?? agent.id;
      const agentName = agentId === agent.id ? agent.name : await assignableName(deps, agentId);
      const live = await viaWorkflow(() =>
        deps.commands.update(conversationKeyOf(conversation), assignUpdate, {
          agentId,
          agentName,
          ...actingAs(agent),
          ...(body.force ? { force: true } : {}),
        }),
      );
      return conversationDetail(deps, conversation.id, agent.id, live);
    },
  });
}
