// Agent input that PostgreSQL could never store (NUL, unpaired surrogates) is refused at the
// door with 400 invalid_text, before it can reach a workflow, an activity or a query. JSON
// escapes ("\u0000", "\ud800") and percent-encoding (%00) both decode to such characters.
import { findUnstorableText } from '../../shared/storable-text.ts';
import { HttpError } from '../http-error.ts';

export interface RawInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

export function invalidText(field: string): HttpError {
  return new HttpError(400, 'invalid_text', `${field} contains characters that cannot be stored (NUL or an unpaired surrogate)`, {
    field,
  });
}

/** Checks every route parameter, query-string value and JSON key and value, declared or not. */
export function refuseUnstorableInput(input: RawInput): void {
  for (const where of ['params', 'query', 'body'] as const) {
    const field = findUnstorableText(input[where], where);
    if (field !== undefined) throw invalidText(field);
  }
}
