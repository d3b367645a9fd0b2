// Which business number an agent may start a conversation from.
import { describe, expect, it } from 'vitest';
import type { TwilioConfig } from '../../../config/config.ts';
import { HttpError } from '../../http-error.ts';
import { chooseSender, configuredSenders } from './sender-rules.ts';

const MAIN = '+15005550006';
const SECOND = '+447488879172';
const base: TwilioConfig = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'token' };

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('chooseSender', () => {
  it.each<[string, TwilioConfig, string | undefined, string]>([
    ['TWILIO_PHONE_NUMBER by default', { ...base, phoneNumber: MAIN, senderNumbers: [SECOND] }, undefined, MAIN],
    ['TWILIO_PHONE_NUMBER when asked', { ...base, phoneNumber: MAIN }, MAIN, MAIN],
    ['a number of TWILIO_SENDER_NUMBERS when asked', { ...base, phoneNumber: MAIN, senderNumbers: [SECOND] }, SECOND, SECOND],
    ['the only sender number when no TWILIO_PHONE_NUMBER is set', { ...base, messagingServiceSid: 'MG1', senderNumbers: [SECOND] }, undefined, SECOND],
  ])('chooses %s', (_name, config, requested, expected) => {
    expect(chooseSender(config, requested)).toBe(expected);
  });

  it.each<[string, TwilioConfig, string | undefined, number, string]>([
    ['a number that is not ours', { ...base, phoneNumber: MAIN }, '+15005550009', 422, 'sender_not_allowed'],
    ['any number when no sender is configured', { ...base, messagingServiceSid: 'MG1' }, MAIN, 422, 'sender_not_allowed'],
    ['a number that is not E.164', { ...base, phoneNumber: MAIN }, 'main line', 400, 'invalid_phone_number'],
    ['no number when two could be meant', { ...base, messagingServiceSid: 'MG1', senderNumbers: [MAIN, SECOND] }, undefined, 400, 'business_number_required'],
  ])('refuses %s', (_name, config, requested, status, code) => {
    expect(refusal(() => chooseSender(config, requested))).toMatchObject({ status, code, details: { fields: [{ field: 'body.businessNumber' }] } });
  });

  it('lists the configured senders in a refusal', () => {
    const error = refusal(() => chooseSender({ ...base, phoneNumber: MAIN, senderNumbers: [SECOND, MAIN] }, '+15005550009'));
    expect(error.details).toMatchObject({ allowedSenders: [MAIN, SECOND] });
    expect(error.message).toContain('+15005550009');
  });
});

describe('configuredSenders', () => {
  it('is TWILIO_PHONE_NUMBER then TWILIO_SENDER_NUMBERS, each once', () => {
    expect(configuredSenders({ ...base, phoneNumber: MAIN, senderNumbers: [SECOND, MAIN] })).toEqual([MAIN, SECOND]);
    expect(configuredSenders(base)).toEqual([]);
  });
});
