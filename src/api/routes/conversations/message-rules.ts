// The checks an agent's message passes before anything is asked of the workflow. The workflow
// makes the same ones (it is the authority); checking here too answers at once, names the field,
// and never starts a workflow for a request that cannot succeed.
import { isE164 } from '../../../shared/phone-number.ts';
import { HttpError } from '../../http-error.ts';
import { MAX_BODY_CHARACTERS } from './schemas.ts';

/** Refuses an empty, whitespace-only or over-long body with 400 invalid_message. */
export function checkMessageBody(body: string, field = 'body.body'): void {
  // Counted in code points, as the workflow counts them, so an emoji is one character.
  const problem = !body.trim()
    ? 'The message body is empty'
    : [...body].length > MAX_BODY_CHARACTERS
      ? `The message body is over ${MAX_BODY_CHARACTERS} characters`
      : undefined;
  if (problem) throw new HttpError(400, 'invalid_message', problem, { fields: [{ field, message: problem }] });
}

/** Refuses anything but an E.164 number with 400 invalid_phone_number. */
export function checkPhoneNumber(value: string, field: string): void {
  if (isE164(value)) return;
  const message = `${value.length > 32 ? `${value.slice(0, 32)}…` : value} is not an E.164 phone number (e.g. +447700900123)`;
  throw new HttpError(400, 'invalid_phone_number', message, { fields: [{ field, message }] });
}
