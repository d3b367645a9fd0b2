// Reads a Messages API create request and rejects it the way Twilio does: one error at a time,
// checked in Twilio's order, with Twilio's codes and messages.
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

const MAX_BODY_LENGTH = 1600;
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
  // Twilio counts UTF-16 code units, so an emoji uses two of the 1600.
  if (body.length > MAX_BODY_LENGTH) throw twilioErrors.bodyTooLong();

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
