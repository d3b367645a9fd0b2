// Reads a Messages API create request and rejects it the way Twilio does: one error at a time,
// checked in Twilio's order, with Twilio's codes and messages.
import { MAX_BODY_CHARACTERS, twilioCharacterCount } from '../shared/message-limits.ts';
import { isE164 } from '../shared/phone-number.ts';
import type { FormParams } from './form-params.ts';
import { twilioErrors } from './twilio-api-error.ts';

export interface CreateMessageRequest {
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
}

const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
const SHORT_CODE = /^\d{5,6}$/;
// Twilio's alphanumeric sender IDs: up to 11 of [A-Za-z0-9 ], at least one letter.
const ALPHANUMERIC_SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export function parseCreateMessageRequest(
  params: FormParams,
  isOptedOut: (phoneNumber: string) => boolean,
): CreateMessageRequest {
  const to = params.get('To');
  if (to === undefined) throw twilioErrors.toRequired();
  if (!isE164(to)) throw twilioErrors.toInvalid(to);

  const from = params.get('From') ?? null;
  const messagingServiceSid = params.get('MessagingServiceSid') ?? null;
  if (from === null && messagingServiceSid === null) throw twilioErrors.fromRequired();
  if (messagingServiceSid !== null && !MESSAGING_SERVICE_SID.test(messagingServiceSid)) {
    throw twilioErrors.messagingServiceInvalid(messagingServiceSid);
  }
  if (from !== null && !isValidSender(from)) throw twilioErrors.fromInvalid(from);

  const body = params.get('Body') ?? '';
  const mediaUrls = params.getAll('MediaUrl');
  if (body === '' && mediaUrls.length === 0) throw twilioErrors.bodyRequired();
  // Counted as Twilio counts (UTF-16 code units: an emoji uses two of the 1600), by the same
  // function the app checks with. Twilio refuses only this; our segment cap is the app's own.
  if (twilioCharacterCount(body) > MAX_BODY_CHARACTERS) throw twilioErrors.bodyTooLong();
  // Twilio fetches media over http(s) only; anything else (javascript:, data:, no scheme) is 21620.
  if (!mediaUrls.every(isHttpUrl)) throw twilioErrors.mediaUrlInvalid();

  const statusCallback = params.get('StatusCallback') ?? null;
  if (statusCallback !== null && !isHttpUrl(statusCallback)) {
    throw twilioErrors.statusCallbackInvalid();
  }

  if (isOptedOut(to)) throw twilioErrors.unsubscribedRecipient();

  return { to, from, messagingServiceSid, body, mediaUrls, statusCallback };
}

function isValidSender(from: string): boolean {
  return isE164(from) || SHORT_CODE.test(from) || ALPHANUMERIC_SENDER_ID.test(from);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
