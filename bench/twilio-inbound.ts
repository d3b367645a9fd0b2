// An inbound SMS webhook exactly as Twilio posts it: the same parameters (a new SM… SID per
// message, the account, both numbers, body, counts, status, API version and the geographic
// fields, empty when Twilio does not know the number) signed with X-Twilio-Signature by
// twilio-node's own signer over the exact URL.
import { randomBytes, randomUUID } from 'node:crypto';
import twilio from 'twilio';

/** Matches the seeded "Documents" auto-response rule (no agent flag), so every text gets a reply. */
export const KEYWORD_BODY = 'documents please';

export interface InboundWebhook {
  messageSid: string;
  body: string;
  headers: Record<string, string>;
}

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export function inboundSmsParams(input: { accountSid: string; from: string; to: string; body: string; messageSid: string }): Record<string, string> {
  return {
    ToCountry: 'US',
    ToState: '',
    SmsMessageSid: input.messageSid,
    NumMedia: '0',
    ToCity: '',
    FromZip: '',
    SmsSid: input.messageSid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: input.body,
    FromCountry: 'US',
    To: input.to,
    ToZip: '',
    // Bodies here are short GSM-7 text: one segment.
    NumSegments: '1',
    MessageSid: input.messageSid,
    AccountSid: input.accountSid,
    From: input.from,
    ApiVersion: '2010-04-01',
  };
}

export function signedInboundWebhook(input: { url: string; authToken: string; accountSid: string; from: string; to: string; body: string }): InboundWebhook {
  const messageSid = newMessageSid();
  const params = inboundSmsParams({ ...input, messageSid });
  const body = new URLSearchParams(params).toString();
  return {
    messageSid,
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(input.authToken, input.url, params),
      'I-Twilio-Idempotency-Token': randomUUID(),
      'User-Agent': 'TwilioProxy/1.1',
      Accept: '*/*',
    },
  };
}
