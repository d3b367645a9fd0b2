// Rejects any webhook request that Twilio did not sign with our auth token.
import type { Middleware } from 'koa';
import twilio from 'twilio';
import { normalizeStorableText } from '../../shared/storable-text.ts';
import { HttpError } from '../http-error.ts';

/**
 * Twilio signs the full URL it called (our public base URL + path + query) together with the
 * POST parameters; behind a proxy only API_BASE_URL knows that URL, so it is used, never Host.
 */
export function requireTwilioSignature(authToken: string, publicBaseUrl: string): Middleware {
  return async (ctx, next) => {
    const signature = ctx.get('X-Twilio-Signature');
    if (!signature) throw new HttpError(403, 'missing_signature', 'The X-Twilio-Signature header is missing');
    const url = publicBaseUrl + ctx.originalUrl;
    // Passed as parsed, arrays included: twilio-node signs repeated keys value by value.
    const params = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!twilio.validateRequest(authToken, signature, url, params)) {
      throw new HttpError(403, 'invalid_signature', 'The X-Twilio-Signature header does not match this request');
    }
    await next();
  };
}

/** The parsed form as plain strings; Twilio's SMS webhooks repeat no key, so the last value stands. */
export function formParams(body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) {
      params[key] = Array.isArray(value) ? String(value[value.length - 1]) : String(value);
    }
  }
  return params;
}

/**
 * The parameters with every key and value made storable (NUL and unpaired surrogates become
 * U+FFFD), and the names of the parameters whose value changed. Only after the signature check:
 * Twilio signed the text as it sent it.
 */
export function storableParams(params: Record<string, string>): { params: Record<string, string>; changed: Set<string> } {
  const storable: Record<string, string> = {};
  const changed = new Set<string>();
  for (const [rawKey, rawValue] of Object.entries(params)) {
    const key = normalizeStorableText(rawKey);
    const value = normalizeStorableText(rawValue);
    storable[key.text] = value.text;
    if (key.changed || value.changed) changed.add(key.text);
  }
  return { params: storable, changed };
}
