// Checks of an agent's send, run as the update's validator (before anything is written to
// history) and, for what can change meanwhile, again when its turn in the queue comes. Other actions are checked by the same
// functions that decide them (conversation-changes.ts).
import type { SendMessageRequest } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { checkMessageBody } from '../shared/message-limits.ts';
import { checkOwnership } from './conversation-changes.ts';
import type { CarriedState } from './conversation-state.ts';
import { rejection } from './rejection.ts';


/** The update's validator: the body, then the conversation's state. */
export function validateSendMessage(state: CarriedState, request: SendMessageRequest): void {
  // The same judgement as the API's and the emulator's (src/shared/message-limits.ts): Twilio's
  // 1600 counted as Twilio counts (an emoji is 2), and our segment cap. The refusal's code and
  // counts travel in the details, so the API answers as it does when it refuses first.
  const hasMedia = (request.mediaUrls?.length ?? 0) > 0;
  const verdict = checkMessageBody(request.body ?? '', { allowEmpty: hasMedia });
  if (!verdict.ok) throw rejection(FailureType.InvalidMessage, verdict.message, [{ code: verdict.code, ...verdict.details }]);
  checkSendAllowed(state, request);
}

/**
 * What may have changed while a send waited its turn in the queue: checked again then. (Not the
 * body, which cannot change: a rule about bodies that tightens later must not re-judge sends
 * already accepted into the histories of running conversations.)
 */
export function checkSendAllowed(state: CarriedState, request: SendMessageRequest): void {
  // A run that has not loaded the stored conversation yet cannot judge its state; the handler
  // checks again once it has.
  if (!state.loaded) return;
  if (state.optedOut) throw rejection(FailureType.CustomerOptedOut, 'The customer has opted out; nothing can be sent to them');
  if (state.status === 'closed') {
    throw rejection(FailureType.ConversationClosed, 'The conversation is closed; reopen it before replying');
  }
  checkOwnership(state, { agentId: request.agentId, role: request.actingRole });
}
