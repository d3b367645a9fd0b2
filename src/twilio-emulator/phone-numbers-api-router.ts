// The slice of Twilio's IncomingPhoneNumbers API a configuration tool uses: list the account's
// numbers (filtered by number), fetch one, and update its SMS webhook and status callback.
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { requireAccountCredentials } from './basic-auth.ts';
import { API_VERSION } from './message-resource.ts';
import { toPhoneNumberPage, toPhoneNumberResource } from './phone-number-resource.ts';
import type { PhoneNumberPatch, PhoneNumberStore } from './phone-number-store.ts';
import { httpMirrorError, twilioErrors } from './twilio-api-error.ts';
import type { HttpMethod } from './types.ts';

export interface PhoneNumbersApiDeps {
  accountSid: string;
  authToken: string;
  phoneNumbers: PhoneNumberStore;
  logger: Logger;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

export function phoneNumbersApiRouter(deps: PhoneNumbersApiDeps): Router {
  const { accountSid, phoneNumbers, logger } = deps;
  const router = new Router({ prefix: `/${API_VERSION}/Accounts/:AccountSid` });
  const auth = requireAccountCredentials(accountSid, deps.authToken);

  router.get('/IncomingPhoneNumbers.json', auth, (ctx) => {
    const phoneNumber = queryValue(ctx.query.PhoneNumber);
    const friendlyName = queryValue(ctx.query.FriendlyName);
    const pageSize = clamp(Number(queryValue(ctx.query.PageSize) ?? DEFAULT_PAGE_SIZE), 1, MAX_PAGE_SIZE);
    const page = Math.max(0, Math.trunc(Number(queryValue(ctx.query.Page) ?? 0)) || 0);
    const matchesNumber = phoneNumber === undefined ? () => true : numberPattern(phoneNumber);
    const matching = phoneNumbers
      .all()
      .filter((owned) => matchesNumber(owned.phoneNumber) && (friendlyName === undefined || owned.friendlyName === friendlyName));
    ctx.body = toPhoneNumberPage(matching, {
      accountSid,
      filters: { ...(phoneNumber ? { PhoneNumber: phoneNumber } : {}), ...(friendlyName ? { FriendlyName: friendlyName } : {}) },
      page,
      pageSize,
    });
  });

  router.get('/IncomingPhoneNumbers/:Sid.json', auth, (ctx) => {
    const found = phoneNumbers.get(ctx.params.Sid ?? '');
    if (!found) throw twilioErrors.notFound(ctx.path);
    ctx.body = toPhoneNumberResource(found);
  });

  router.post('/IncomingPhoneNumbers/:Sid.json', auth, (ctx) => {
    const sid = ctx.params.Sid ?? '';
    if (!phoneNumbers.get(sid)) throw twilioErrors.notFound(ctx.path);
    const patch = parseUpdate(formOf(ctx));
    const updated = phoneNumbers.update(sid, patch)!;
    logger.info({ phoneNumberSid: sid, changed: Object.keys(patch) }, 'phone number updated');
    ctx.body = toPhoneNumberResource(updated);
  });

  return router;
}

// Read with URLSearchParams, not the body parser's nested objects (see form-params.ts); here an
// empty value matters, because Twilio takes an empty URL as "remove it".
function formOf(ctx: Context): URLSearchParams {
  // twilio-node always sends a form; anything else carries no parameters Twilio would read.
  const raw = ctx.request.is('application/x-www-form-urlencoded') ? ctx.request.rawBody : '';
  return new URLSearchParams(raw ?? '');
}

/** The parameters of Twilio's update that concern messaging. */
function parseUpdate(form: URLSearchParams): PhoneNumberPatch {
  const text = (key: string) => form.get(key) ?? undefined;
  const nonEmpty = (key: string) => text(key) || undefined;
  return {
    friendlyName: nonEmpty('FriendlyName'),
    smsUrl: url(text('SmsUrl'), 'SmsUrl'),
    smsMethod: method(nonEmpty('SmsMethod'), 'SmsMethod'),
    smsFallbackUrl: url(text('SmsFallbackUrl'), 'SmsFallbackUrl'),
    smsFallbackMethod: method(nonEmpty('SmsFallbackMethod'), 'SmsFallbackMethod'),
    statusCallback: url(text('StatusCallback'), 'StatusCallback'),
    statusCallbackMethod: method(nonEmpty('StatusCallbackMethod'), 'StatusCallbackMethod'),
  };
}

function url(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return value;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw httpMirrorError(400, `${name} is not a valid URL: ${value}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw httpMirrorError(400, `${name} must be an http or https URL: ${value}`);
  }
  return value;
}

function method(value: string | undefined, name: string): HttpMethod | undefined {
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') throw httpMirrorError(400, `${name} must be GET or POST, not ${value}`);
  return upper;
}

/** Twilio's PhoneNumber filter: a whole or partial number, `*` standing for any one digit. */
function numberPattern(pattern: string): (phoneNumber: string) => boolean {
  const source = [...pattern].map((char) => (char === '*' ? '\\d' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  const regex = new RegExp(source);
  return (phoneNumber) => regex.test(phoneNumber);
}

function queryValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return DEFAULT_PAGE_SIZE;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
