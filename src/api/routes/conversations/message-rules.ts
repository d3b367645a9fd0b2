// The checks an agent's message passes before anything is asked of the workflow. The workflow
// makes the same ones (it is the authority); checking here too answers at once, names the field,
// and never starts a workflow for a request that cannot succeed.
import { checkMessageBody as judgeBody, MAX_BODY_CHARACTERS, MAX_SEGMENTS } from '../../../shared/message-limits.ts';
import { isE164 } from '../../../shared/phone-number.ts';
import { checkOutboundMediaUrl } from '../../../sms/media-urls.ts';
import { HttpError } from '../../http-error.ts';

/** How the routes' OpenAPI entries describe the body refusals below. */
export const BODY_LIMIT_ERRORS =
  `a body over ${MAX_BODY_CHARACTERS} characters as Twilio counts them, an emoji counting 2 (body_too_long), ` +
  `or one that would go out as more than ${MAX_SEGMENTS} SMS segments (too_many_segments); ` +
  '`error.details` carries the counted characters, encoding and segments and the limits';

/**
 * Refuses an empty or whitespace-only body (400 invalid_message), one Twilio would refuse as too
 * long (400 body_too_long) or one over our segment cap (400 too_many_segments), by the same
 * function the workflow and the emulator judge with. `details` names the field and carries the
 * counts, so the agent sees why.
 */
export function checkMessageBody(body: string, field = 'body.body'): void {
  const verdict = judgeBody(body);
  if (verdict.ok) return;
  throw new HttpError(400, verdict.code, verdict.message, { fields: [{ field, message: verdict.message }], ...verdict.details });
}

/**
 * Refuses any media URL that is not https (400 invalid_media_url, naming the field), and
 * answers the URLs as they will be sent and stored.
 */
export function checkMediaUrls(urls: string[] | undefined, field = 'body.mediaUrls'): string[] | undefined {
  return urls?.map((url, index) => {
    const verdict = checkOutboundMediaUrl(url);
    if (verdict.ok) return verdict.url;
    const message = `Media URL ${index} ${verdict.reason}`;
    throw new HttpError(400, 'invalid_media_url', message, { fields: [{ field: `${field}.${index}`, message }] });
  });
}

/** Refuses anything but an E.164 number with 400 invalid_phone_number. */
export function checkPhoneNumber(value: string, field: string): void {
  if (isE164(value)) return;
  const message = `${value.length > 32 ? `${value.slice(0, 32)}…` : value} is not an E.164 phone number (e.g. +447700900123)`;
  throw new HttpError(400, 'invalid_phone_number', message, { fields: [{ field, message }] });
}
