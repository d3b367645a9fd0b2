// Checks of scheduling, editing and cancelling a message, run as the updates' validators (so a
// refusal leaves no history) and again when their turn in the queue comes.
import type { EditScheduledMessageRequest, ScheduleMessageRequest } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { checkMessageBody } from '../shared/message-limits.ts';
import { checkOwnership } from './conversation-changes.ts';
import type { CarriedState } from './conversation-state.ts';
import { rejection } from './rejection.ts';
import type { ScheduledSend } from './timekeeping.ts';

/** The default horizon when the worker's settings do not name one (runs from before it). */
const DEFAULT_HORIZON_SECONDS = 30 * 86_400;

/** A time in the future and within the horizon; `at` is an ISO 8601 instant. */
export function checkSendTime(state: CarriedState, at: string, now: number): number {
  const sendAt = Date.parse(at);
  if (!Number.isFinite(sendAt)) throw rejection(FailureType.InvalidSendTime, 'sendAt must be an ISO 8601 time with an offset');
  if (sendAt <= now) throw rejection(FailureType.InvalidSendTime, 'sendAt is in the past', [{ sendAt: at, now: new Date(now).toISOString() }]);
  const horizonSeconds = state.settings.scheduleHorizonSeconds ?? DEFAULT_HORIZON_SECONDS;
  const latest = now + horizonSeconds * 1000;
  if (sendAt > latest) {
    throw rejection(FailureType.InvalidSendTime, `sendAt is more than ${Math.round(horizonSeconds / 86_400)} days ahead`, [
      { sendAt: at, latest: new Date(latest).toISOString() },
    ]);
  }
  return sendAt;
}

/** Runs that started before scheduled sends existed cannot keep them: refuse rather than lose one. */
function checkTimekeeping(timekeeping: boolean): void {
  if (!timekeeping) {
    throw rejection(
      FailureType.InvalidMessage,
      'This conversation started before scheduled messages existed; it can schedule once it has continued (send a message now instead)',
    );
  }
}

export function validateSchedule(timekeeping: boolean, state: CarriedState, request: ScheduleMessageRequest, now: number): void {
  checkTimekeeping(timekeeping);
  checkSendTime(state, request.sendAt, now);
}

/** The waiting message with that id; refused when there is none (never scheduled, or gone). */
export function findScheduled(state: CarriedState, messageId: string): ScheduledSend {
  const item = state.scheduled?.find((scheduled) => scheduled.messageId === messageId);
  if (!item) throw rejection(FailureType.ScheduledMessageNotFound, 'No message of this conversation with that id is waiting to be sent (it left, was cancelled, or never was)');
  return item;
}

/** Editing or cancelling: the message still waits, the caller may touch it, the new values hold. */
export function checkScheduledEdit(timekeeping: boolean, state: CarriedState, request: EditScheduledMessageRequest, now: number): void {
  checkTimekeeping(timekeeping);
  findScheduled(state, request.messageId);
  checkOwnership(state, { agentId: request.agentId, role: request.actingRole });
  if (request.body !== undefined) {
    const verdict = checkMessageBody(request.body);
    if (!verdict.ok) throw rejection(FailureType.InvalidMessage, verdict.message, [{ code: verdict.code, ...verdict.details }]);
  }
  if (request.sendAt !== undefined) checkSendTime(state, request.sendAt, now);
}
