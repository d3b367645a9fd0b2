// Update validators: refuse a bad request before anything is written to history.
import { ApplicationFailure } from '@temporalio/workflow';
import type { AssignRequest, SendMessageRequest } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import type { CarriedState } from './conversation-state.ts';

/** Twilio's limit for one message body, in characters. */
export const MAX_BODY_CHARACTERS = 1600;

export function rejection(type: string, message: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details });
}

export function validateSendMessage(state: CarriedState, request: SendMessageRequest): void {
  const body = request.body ?? '';
  const hasMedia = (request.mediaUrls?.length ?? 0) > 0;
  if (!body.trim() && !hasMedia) throw rejection(FailureType.InvalidMessage, 'The message body is empty');
  if ([...body].length > MAX_BODY_CHARACTERS) {
    throw rejection(FailureType.InvalidMessage, `The message body is over ${MAX_BODY_CHARACTERS} characters`);
  }
  // A run that has not loaded the stored conversation yet cannot judge its state; the handler
  // checks again once it has (see `ready` in conversation.ts).
  if (!state.loaded) return;
  if (state.optedOut) throw rejection(FailureType.CustomerOptedOut, 'The customer has opted out; nothing can be sent to them');
  if (state.status === 'closed') {
    throw rejection(FailureType.ConversationClosed, 'The conversation is closed; reopen it before replying');
  }
}

export function validateAssign(state: CarriedState, request: AssignRequest): void {
  if (!request.agentId) throw rejection(FailureType.InvalidMessage, 'agentId is required');
  if (!state.loaded) return;
  if (state.status === 'closed') throw rejection(FailureType.ConversationClosed, 'The conversation is closed');
  if (state.assignedAgentId && state.assignedAgentId !== request.agentId && !request.force) {
    throw rejection(FailureType.AlreadyAssigned, 'The conversation is already assigned to another agent', [
      { assignedAgentId: state.assignedAgentId },
    ]);
  }
}

export function validateUnassign(state: CarriedState): void {
  if (!state.loaded) return;
  if (state.assignedAgentId === null) throw rejection(FailureType.NotAssigned, 'The conversation is not assigned');
}

export function validateClose(state: CarriedState): void {
  if (!state.loaded) return;
  if (state.status === 'closed') throw rejection(FailureType.ConversationClosed, 'The conversation is already closed');
}

export function validateReopen(state: CarriedState): void {
  if (!state.loaded) return;
  if (state.status === 'open') throw rejection(FailureType.ConversationOpen, 'The conversation is already open');
}
