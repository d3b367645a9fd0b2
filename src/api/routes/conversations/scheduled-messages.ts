// PATCH and DELETE /api/conversations/:id/messages/:messageId: change or cancel a scheduled
// message while it waits. The conversation's workflow decides (the message may be leaving at
// that very moment); the stored row says what happened.
import { z } from 'zod';
import { cancelScheduledMessageUpdate, editScheduledMessageUpdate } from '../../../shared/conversation-definitions.ts';
import type { ApiDeps } from '../../api-deps.ts';
import { HttpError } from '../../http-error.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { viaWorkflow } from '../../temporal-errors.ts';
import { actingAs } from './acting-agent.ts';
import { conversationKeyOf, findConversationOr404 } from './conversation-detail.ts';
import { BODY_LIMIT_ERRORS, checkMessageBody } from './message-rules.ts';
import { messageBodyField, messageSchema } from './schemas.ts';
import { sendAtField, storedMessageJson } from './send-message.ts';

const scheduledMessageParams = z.object({
  id: z.uuid().meta({ description: 'The conversation id' }),
  messageId: z.uuid().meta({ description: 'The scheduled message id' }),
});

const editBody = z
  .object({ body: messageBodyField.optional(), sendAt: sendAtField.optional() })
  .refine((edit) => edit.body !== undefined || edit.sendAt !== undefined, 'give body, sendAt or both')
  // The same rule for the document: at least one of the two is present.
  .meta({ anyOf: [{ required: ['body'] }, { required: ['sendAt'] }] });

const ERRORS = {
  403: 'Another agent has the conversation; only they or an admin may change its messages (not_assigned_to_you)',
  404: 'No conversation has this id (conversation_not_found), or it has no message with this id (message_not_found)',
  409: 'The message is not waiting any more: it left, was cancelled or was refused (not_scheduled)',
  503: 'Temporal is unavailable (temporal_unavailable)',
};

async function findMessageOr404(deps: ApiDeps, conversationId: string, messageId: string): Promise<void> {
  const message = await deps.db.message.findFirst({ where: { id: messageId, conversationId }, select: { id: true } });
  if (!message) throw new HttpError(404, 'message_not_found', 'The conversation has no message with this id');
}

export function registerScheduledMessages(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'patch',
    path: '/api/conversations/:id/messages/:messageId',
    summary: 'Change the text or the time of a scheduled message before it leaves',
    tag: 'Conversations',
    access: 'agent',
    params: scheduledMessageParams,
    body: editBody,
    response: { status: 200, description: 'The scheduled message as now stored', schema: messageSchema },
    errors: {
      400: `Invalid request (validation_failed); or ${BODY_LIMIT_ERRORS}`,
      ...ERRORS,
      422: 'A sendAt in the past or beyond the horizon (invalid_send_at)',
    },
    async handle(_ctx, { params, body, agent }) {
      const conversation = await findConversationOr404(deps, params.id);
      await findMessageOr404(deps, conversation.id, params.messageId);
      if (body.body !== undefined) checkMessageBody(body.body);
      const edited = await viaWorkflow(() =>
        deps.commands.update(conversationKeyOf(conversation), editScheduledMessageUpdate, {
          messageId: params.messageId,
          agentId: agent.id,
          ...actingAs(agent),
          ...(body.body !== undefined ? { body: body.body } : {}),
          ...(body.sendAt !== undefined ? { sendAt: body.sendAt } : {}),
        }),
      );
      return storedMessageJson(deps, edited);
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/conversations/:id/messages/:messageId',
    summary: 'Cancel a scheduled message before it leaves (it stays in the thread as `canceled`)',
    tag: 'Conversations',
    access: 'agent',
    params: scheduledMessageParams,
    response: { status: 204, description: 'Cancelled' },
    errors: ERRORS,
    async handle(_ctx, { params, agent }) {
      const conversation = await findConversationOr404(deps, params.id);
      await findMessageOr404(deps, conversation.id, params.messageId);
      await viaWorkflow(() =>
        deps.commands.update(conversationKeyOf(conversation), cancelScheduledMessageUpdate, {
          messageId: params.messageId,
          agentId: agent.id,
          ...actingAs(agent),
        }),
      );
      return undefined;
    },
  });
}
