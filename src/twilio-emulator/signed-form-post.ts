// POSTs a form the way Twilio calls webhooks: application/x-www-form-urlencoded, signed with
// X-Twilio-Signature over the exact URL and the parameters, using twilio-node's own signer so the
// app's validateRequest() agrees with us by construction.
import { randomUUID } from 'node:crypto';
import twilio from 'twilio';

/** Twilio gives up on a webhook after 15 s. */
const TWILIO_WEBHOOK_TIMEOUT_MS = 15_000;

export interface SignedFormPost {
  url: string;
  params: Record<string, string>;
  authToken: string;
  /** Aborts the request early, e.g. when the emulator closes. */
  signal?: AbortSignal;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

export async function postSignedForm({ url: given, params, authToken, signal }: SignedFormPost): Promise<WebhookResponse> {
  // Sign the URL exactly as it goes on the wire (fetch percent-encodes spaces and the like), since
  // that is the URL the receiver sees and validates against. Credentials in the URL travel as an
  // Authorization header, as Twilio sends them, and are not part of the URL the receiver sees.
  const target = new URL(given);
  const credentials = target.username || target.password
    ? `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`
    : undefined;
  target.username = '';
  target.password = '';
  const url = target.href;
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  const timeout = AbortSignal.timeout(TWILIO_WEBHOOK_TIMEOUT_MS);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': signature,
      'I-Twilio-Idempotency-Token': randomUUID(),
      'User-Agent': 'TwilioProxy/1.1',
      Accept: '*/*',
      ...(credentials ? { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(params).toString(),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  return { status: response.status, body: await response.text() };
}
