// The simple agent actions: unassign, close, reopen, flag, unflag. Each is a workflow update
// (validated there, recorded on the audit trail with the acting agent) answered with the
// conversation as it now stands.
import { z } from 'zod';
import type { UpdateDefinition } from '@temporalio/common';
import {
  closeUpdate,
  flagUpdate,
  reopenUpdate,
  unassignUpdate,
  unflagUpdate,
} from '../../../shared/conversation-definitions.ts';
import type { ConversationActionRequest, ConversationState } from '../../../shared/conversation-types.ts';
import type { ApiDeps } from '../../api-deps.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { NOT_BLANK, textField } from '../../routing/text-field.ts';
import { viaWorkflow } from '../../temporal-errors.ts';
import { actingAs } from './acting-agent.ts';
import { conversationDetail, conversationKeyOf, findConversationOr404 } from './conversation-detail.ts';
import { conversationDetailSchema, conversationIdParams } from './schemas.ts';

const reasonBody = z.object({
  reason: textField({
    minLength: 1,
    maxLength: 500,
    pattern: NOT_BLANK,
    patternMessage: 'must not be blank',
    description: 'Why, for the audit trail (1..500 characters, not blank)',
  })
    .transform((reason) => reason.trim())
    .optional(),
});

interface Action {
  name: string;
  summary: string;
  update: UpdateDefinition<ConversationState, [ConversationActionRequest]>;
  takesReason: boolean;
  /** The 409 this action can answer. */
  conflict?: string;
  /** Only the assigned agent or an admin may take it on an assigned conversation. */
  ownersOnly: boolean;
}

const ACTIONS: Action[] = [
  { name: 'unassign', summary: 'Unassign a conversation', update: unassignUpdate, takesReason: false, conflict: 'The conversation is not assigned (not_assigned)', ownersOnly: true },
  {
    name: 'close',
    summary: 'Close a conversation: clears attention and releases its agent (the customer’s next text reopens it, unassigned and needing attention)',
    update: closeUpdate,
    takesReason: true,
    conflict: 'The conversation is already closed (conversation_closed)',
    ownersOnly: true,
  },
  { name: 'reopen', summary: 'Reopen a closed conversation (unassigned)', update: reopenUpdate, takesReason: false, conflict: 'The conversation is already open (conversation_open)', ownersOnly: false },
  { name: 'flag', summary: 'Flag a conversation as needing attention', update: flagUpdate, takesReason: true, ownersOnly: false },
  { name: 'unflag', summary: 'Clear a conversation’s needs-attention flag', update: unflagUpdate, takesReason: false, ownersOnly: true },
];

function errorsOf(action: Action): Record<number, string> {
  const errors: Record<number, string> = {
    404: 'No conversation has this id (conversation_not_found)',
    503: 'Temporal is unavailable (temporal_unavailable)',
  };
  if (action.conflict) errors[409] = action.conflict;
  if (action.ownersOnly) errors[403] = 'Another agent has the conversation; only they or an admin may do this (not_assigned_to_you; the message names them)';
  return errors;
}

export function registerConversationActions(routes: ApiRoutes, deps: ApiDeps): void {
  for (const action of ACTIONS) {
    routes.add({
      method: 'post',
      path: `/api/conversations/:id/${action.name}`,
      summary: action.summary,
      tag: 'Conversations',
      access: 'agent',
      params: conversationIdParams,
      ...(action.takesReason ? { body: reasonBody } : {}),
      response: { status: 200, description: 'Done; the conversation as GET /api/conversations/{id} shows it', schema: conversationDetailSchema },
      errors: errorsOf(action),
      async handle(_ctx, { params, body, agent }) {
        const conversation = await findConversationOr404(deps, params.id);
        const reason = (body as z.infer<typeof reasonBody> | undefined)?.reason;
        const live = await viaWorkflow(() =>
          deps.commands.update(conversationKeyOf(conversation), action.update, { ...actingAs(agent), ...(reason ? { reason } : {}) }),
        );
        return conversationDetail(deps, conversation.id, agent.id, live);
      },
    });
  }
}
