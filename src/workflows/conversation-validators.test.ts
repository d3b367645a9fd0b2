// The send validator judges a body exactly as the API and the emulator do
// (src/shared/message-limits.ts), so a body the API would refuse never reaches Twilio through
// the workflow either. Called directly, as the SDK calls it before an update is accepted.
import { ApplicationFailure } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { FailureType } from '../shared/failure-types.ts';
import { initialState } from './conversation-state.ts';
import { validateSendMessage } from './conversation-validators.ts';

function refusalOf(run: () => void): ApplicationFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected the validator to refuse');
}

const open = { ...initialState(), loaded: true };

describe('validateSendMessage: the body', () => {
  it('refuses 900 emoji (1800 UTF-16 code units) as body_too_long, with the counts', () => {
    const refusal = refusalOf(() => validateSendMessage(open, { body: '😀'.repeat(900), agentId: 'agent-1' }));
    expect(refusal).toMatchObject({ type: FailureType.InvalidMessage, nonRetryable: true });
    expect(refusal.message).toContain('1800 characters');
    expect(refusal.details).toEqual([
      { code: 'body_too_long', characters: 1800, encoding: 'UCS-2', segments: 28, maxCharacters: 1600, maxSegments: 11 },
    ]);
  });

  it('refuses 700 emoji (22 segments) as too_many_segments', () => {
    const refusal = refusalOf(() => validateSendMessage(open, { body: '😀'.repeat(700), agentId: 'agent-1' }));
    expect(refusal.details).toEqual([
      { code: 'too_many_segments', characters: 1400, encoding: 'UCS-2', segments: 22, maxCharacters: 1600, maxSegments: 11 },
    ]);
  });

  it('refuses an over-long body before the run has loaded its state too', () => {
    const refusal = refusalOf(() => validateSendMessage({ ...initialState(), loaded: false }, { body: 'x'.repeat(1601) }));
    expect(refusal.details?.[0]).toMatchObject({ code: 'body_too_long', characters: 1601 });
  });

  it('refuses an empty body without media, and accepts one with media', () => {
    expect(refusalOf(() => validateSendMessage(open, { body: ' ' })).details?.[0]).toMatchObject({ code: 'invalid_message' });
    expect(() => validateSendMessage(open, { body: '', mediaUrls: ['https://example.com/a.png'] })).not.toThrow();
  });

  it('accepts 1600 GSM-7 characters', () => {
    expect(() => validateSendMessage(open, { body: 'y'.repeat(1600), agentId: 'agent-1' })).not.toThrow();
  });
});
