// Which business number an agent may start a conversation from: only the ones this deployment is
// configured with (TWILIO_PHONE_NUMBER, TWILIO_SENDER_NUMBERS). Anything else would send from a
// number that may not be ours (Twilio refuses it at best, 21606; at worst it is another of the
// account's numbers nobody watches) and would open a conversation keyed by it. Replies in an
// existing conversation leave from that conversation's number, which a signed Twilio webhook or
// this check named.
import type { TwilioConfig } from '../../../config/config.ts';
import { HttpError } from '../../http-error.ts';
import { checkPhoneNumber } from './message-rules.ts';

export function configuredSenders(config: TwilioConfig): string[] {
  return [...new Set([...(config.phoneNumber ? [config.phoneNumber] : []), ...(config.senderNumbers ?? [])])];
}

/**
 * The business number to start from: the one asked for if it is ours (else 422
 * sender_not_allowed), or TWILIO_PHONE_NUMBER, or the only configured sender (else 400
 * business_number_required).
 */
export function chooseSender(config: TwilioConfig, requested: string | undefined, field = 'body.businessNumber'): string {
  const senders = configuredSenders(config);
  if (requested === undefined) {
    const fallback = config.phoneNumber ?? (senders.length === 1 ? senders[0] : undefined);
    if (fallback) return fallback;
    const message = 'No TWILIO_PHONE_NUMBER is configured, so businessNumber must be given (one of TWILIO_SENDER_NUMBERS)';
    throw new HttpError(400, 'business_number_required', message, { fields: [{ field, message }] });
  }
  checkPhoneNumber(requested, field);
  if (senders.includes(requested)) return requested;
  const message =
    senders.length > 0
      ? `${requested} is not one of this service's sending numbers (${senders.join(', ')})`
      : `${requested} is not one of this service's sending numbers (none is configured: set TWILIO_PHONE_NUMBER or TWILIO_SENDER_NUMBERS)`;
  throw new HttpError(422, 'sender_not_allowed', message, { fields: [{ field, message }], allowedSenders: senders });
}
