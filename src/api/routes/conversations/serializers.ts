// Stored rows and live state as the API shows them: camelCase JSON, ISO 8601 timestamps.
import type { Agent, Contact, Conversation, ConversationEvent, Message } from '../../../generated/prisma/client.ts';
import type { ConversationState } from '../../../shared/conversation-types.ts';
import { servableMediaUrls, type MediaUrlPolicy } from '../../../sms/media-urls.ts';

type AgentRef = Pick<Agent, 'id' | 'name'>;

function iso(date: Date): string;
function iso(date: Date | null): string | null;
function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export type LastMessageRow = Pick<Message, 'id' | 'direction' | 'author' | 'body' | 'status' | 'createdAt'>;

export function toLastMessageJson(message: LastMessageRow | undefined) {
  if (!message) return null;
  return {
    id: message.id,
    direction: message.direction,
    author: message.author,
    body: message.body,
    status: message.status,
    createdAt: iso(message.createdAt),
  };
}

export type ConversationWithAgent = Conversation & { assignedAgent: AgentRef | null; contact: Pick<Contact, 'id' | 'name'> };

export function toConversationSummaryJson(
  conversation: ConversationWithAgent,
  lastMessage: LastMessageRow | undefined,
  unreadCount: number,
  waitingSince: Date | null,
) {
  return {
    id: conversation.id,
    businessNumber: conversation.businessNumber,
    customerNumber: conversation.customerNumber,
    status: conversation.status,
    assignedAgent: conversation.assignedAgent ? { id: conversation.assignedAgent.id, name: conversation.assignedAgent.name } : null,
    needsAttention: conversation.needsAttention,
    attentionReason: conversation.attentionReason,
    slaBreached: conversation.slaBreached,
    lastActivityAt: iso(conversation.lastActivityAt),
    createdAt: iso(conversation.createdAt),
    lastMessage: toLastMessageJson(lastMessage),
    unreadCount,
    contact: { id: conversation.contact.id, name: conversation.contact.name },
    waitingSince: iso(waitingSince),
  };
}

export function toContactJson(contact: Contact) {
  return {
    id: contact.id,
    name: contact.name,
    phoneNumber: contact.phoneNumber,
    optedOut: contact.optedOut,
    optedOutAt: iso(contact.optedOutAt),
    optOutKeyword: contact.optOutKeyword,
  };
}

/** The workflow's view, without what the stored fields already say (ids, numbers). */
export function toLiveJson(state: ConversationState | null) {
  if (!state) return null;
  return {
    workflowId: state.workflowId,
    status: state.status,
    assignedAgentId: state.assignedAgentId,
    needsAttention: state.needsAttention,
    attentionReason: state.attentionReason,
    optedOut: state.optedOut,
    autoReplies: { ...state.autoReplies },
    pendingWork: state.pendingWork,
    timers: state.timers ?? null,
  };
}

/** `media`: the rules media URLs are shown by; a stored URL that breaks them is left out. */
export function toMessageJson(message: Message, media: MediaUrlPolicy) {
  return {
    id: message.id,
    conversationId: message.conversationId,
    direction: message.direction,
    author: message.author,
    body: message.body,
    bodyNormalized: message.bodyNormalized,
    status: message.status,
    errorCode: message.errorCode,
    errorMessage: message.errorMessage,
    twilioSid: message.twilioSid,
    numSegments: message.numSegments,
    encoding: message.encoding,
    mediaUrls: servableMediaUrls(message.direction, message.mediaUrls, media),
    agentId: message.agentId,
    autoResponseRuleId: message.autoResponseRuleId,
    createdAt: iso(message.createdAt),
    sentAt: iso(message.sentAt),
    statusUpdatedAt: iso(message.statusUpdatedAt),
    sendAt: iso(message.sendAt),
  };
}

export function toEventJson(event: ConversationEvent & { agent: AgentRef | null }) {
  return {
    id: event.id,
    type: event.type,
    agent: event.agent ? { id: event.agent.id, name: event.agent.name } : null,
    data: event.data,
    createdAt: iso(event.createdAt),
  };
}
