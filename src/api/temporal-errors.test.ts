import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../shared/failure-types.ts';
import { HttpError } from './http-error.ts';
import { toHttpError } from './temporal-errors.ts';

const DATABASE_TEXT = 'invalid byte sequence for encoding "UTF8": 0x00';

function updateFailed(type: string | undefined, message: string, details?: unknown[]): WorkflowUpdateFailedError {
  return new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message, details, nonRetryable: true }));
}

describe('toHttpError', () => {
  it.each([
    [FailureType.InvalidMessage, 400, 'invalid_message'],
    [FailureType.CustomerOptedOut, 409, 'customer_opted_out'],
    [FailureType.ConversationClosed, 409, 'conversation_closed'],
    [FailureType.AlreadyAssigned, 409, 'already_assigned'],
    [FailureType.TwilioRejected, 422, 'twilio_rejected'],
  ])('keeps the message and details of our own failure type %s', (type, status, code) => {
    const error = toHttpError(updateFailed(type, 'Our own words', [{ messageId: 'm1' }]));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status, code, message: 'Our own words', details: { messageId: 'm1' } });
  });

  it('answers a body refused by the workflow with the refusal’s own code and its counts, as the API’s own check does', () => {
    const counts = { characters: 1800, encoding: 'UCS-2', segments: 28, maxCharacters: 1600, maxSegments: 11 };
    const error = toHttpError(updateFailed(FailureType.InvalidMessage, 'Too long', [{ code: 'body_too_long', ...counts }]));
    expect(error).toMatchObject({ status: 400, code: 'body_too_long', message: 'Too long', details: counts });
    // Only the body refusals' codes are taken from details; anything else keeps the mapped code.
    const other = toHttpError(updateFailed(FailureType.InvalidMessage, 'agentId is required', [{ code: 'drop_tables' }]));
    expect(other).toMatchObject({ status: 400, code: 'invalid_message' });
  });

  it.each([
    ['a type of the workflow that is not ours to show', 'SendFailed'],
    ["a driver's error type", 'PrismaClientKnownRequestError'],
    ['no type', undefined],
    ['a name on Object.prototype', 'constructor'],
  ])('answers a generic 502 send_failed for %s, keeping the text only as the logged cause', (_label, type) => {
    const failure = updateFailed(type, DATABASE_TEXT, [{ query: 'INSERT …' }]);
    const error = toHttpError(failure) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 502, code: 'send_failed', details: undefined });
    expect(error.message).not.toContain('UTF8');
    expect(error.message).not.toContain('0x00');
    expect(error.cause).toBe(failure);
  });

  it('answers a generic 502 when the update failure has no application failure inside', () => {
    const error = toHttpError(new WorkflowUpdateFailedError('Workflow Update failed', new Error(DATABASE_TEXT))) as HttpError;
    expect(error).toMatchObject({ status: 502, code: 'send_failed' });
    expect(error.message).not.toContain('UTF8');
  });
});
