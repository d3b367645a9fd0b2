// Signal, update and query definitions of the conversation workflow: the contract between the
// API (which calls them) and the workflow (which handles them).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AssignRequest,
  CancelScheduledMessageRequest,
  EditScheduledMessageRequest,
  ScheduledMessageResult,
  ScheduleMessageRequest,
  ConversationActionRequest,
  ConversationState,
  InboundSms,
  OutboundMessageResult,
  SendMessageRequest,
  StatusCallbackReport,
} from './conversation-types.ts';

export const CONVERSATION_WORKFLOW_TYPE = 'conversationWorkflow';

export const inboundMessageSignal = defineSignal<[InboundSms]>('inboundMessage');
export const statusCallbackSignal = defineSignal<[StatusCallbackReport]>('statusCallback');

export const sendMessageUpdate = defineUpdate<OutboundMessageResult, [SendMessageRequest]>('sendMessage');
export const assignUpdate = defineUpdate<ConversationState, [AssignRequest]>('assign');
export const unassignUpdate = defineUpdate<ConversationState, [ConversationActionRequest]>('unassign');
export const closeUpdate = defineUpdate<ConversationState, [ConversationActionRequest]>('close');
export const reopenUpdate = defineUpdate<ConversationState, [ConversationActionRequest]>('reopen');
export const flagUpdate = defineUpdate<ConversationState, [ConversationActionRequest]>('flag');
export const unflagUpdate = defineUpdate<ConversationState, [ConversationActionRequest]>('unflag');

export const scheduleMessageUpdate = defineUpdate<ScheduledMessageResult, [ScheduleMessageRequest]>('scheduleMessage');
export const editScheduledMessageUpdate = defineUpdate<ScheduledMessageResult, [EditScheduledMessageRequest]>('editScheduledMessage');
export const cancelScheduledMessageUpdate = defineUpdate<void, [CancelScheduledMessageRequest]>('cancelScheduledMessage');

export const stateQuery = defineQuery<ConversationState>('state');
