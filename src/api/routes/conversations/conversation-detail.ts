// One conversation as GET /api/conversations/:id and every action answer it: the stored row,
// its contact, last message and the caller's unread count, plus the workflow's live state.
import type { Conversation } from '../../../generated/prisma/client.ts';
import type { ConversationState } from '../../../shared/conversation-types.ts';
import type { ConversationKey } from '../../../temporal/conversation-commands.ts';
import type { ApiDeps } from '../../api-deps.ts';
import { HttpError } from '../../http-error.ts';
import { viaWorkflow } from '../../temporal-errors.ts';
import { lastMessagesOf } from './last-messages.ts';
import { toContactJson, toConversationSummaryJson, toLiveJson } from './serializers.ts';
import { unreadCountsOf } from './unread-counts.ts';
import { waitingSinceOf } from './waiting-since.ts';

/** The workflow's key for a stored conversation. */
export function conversationKeyOf(conversation: Pick<Conversation, 'businessNumber' | 'customerNumber'>): ConversationKey {
  return { businessNumber: conversation.businessNumber, customerNumber: conversation.customerNumber };
}

export function conversationNotFound(id: string): HttpError {
  return new HttpError(404, 'conversation_not_found', `No conversation has id ${id}`);
}

/** The stored conversation, or 404 conversation_not_found. */
export async function findConversationOr404(deps: Pick<ApiDeps, 'db'>, id: string): Promise<Conversation> {
  const conversation = await deps.db.conversation.findUnique({ where: { id } });
  if (!conversation) throw conversationNotFound(id);
  return conversation;
}

/**
 * @param live The state an update just answered with, so an action's answer shows the state it
 *   produced without asking again; omitted, the workflow is queried.
 */
export async function conversationDetail(deps: ApiDeps, id: string, agentId: string, live?: ConversationState | null) {
  const conversation = await deps.db.conversation.findUnique({
    where: { id },
    include: { assignedAgent: { select: { id: true, name: true } }, contact: true },
  });
  if (!conversation) throw conversationNotFound(id);
  const [lastMessages, unreadCounts, waiting, state] = await Promise.all([
    lastMessagesOf(deps.db, [id]),
    unreadCountsOf(deps.db, agentId, [id]),
    waitingSinceOf(deps.db, [id]),
    live !== undefined ? live : viaWorkflow(() => deps.commands.state(conversationKeyOf(conversation))),
  ]);
  return {
    ...toConversationSummaryJson(conversation, lastMessages.get(id), unreadCounts.get(id) ?? 0, waiting.get(id) ?? null),
    closedAt: conversation.closedAt?.toISOString() ?? null,
    contact: toContactJson(conversation.contact),
    live: toLiveJson(state),
  };
}
