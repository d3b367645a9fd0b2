// HTTP Basic auth as Twilio's REST API checks it: wrong or missing credentials → 401 / 20003;
// right credentials but another account's path → 404 / 20404.
// Decoding one header is a few lines; a dependency (basic-auth, koa-basic-auth) would add little
// and answer with its own error shape instead of Twilio's.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { twilioErrors } from './twilio-api-error.ts';

export function requireAccountCredentials(accountSid: string, authToken: string): Middleware {
  const expected = digest(`${accountSid}:${authToken}`);
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const match = /^Basic\s+(\S+)$/i.exec(header);
    const presented = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    // Comparing fixed-length digests keeps the check constant-time whatever the input length.
    if (!timingSafeEqual(digest(presented), expected)) {
      ctx.set('WWW-Authenticate', 'Basic realm="Twilio API"');
      throw twilioErrors.authenticate();
    }
    const pathAccountSid = (ctx as { params?: Record<string, string> }).params?.AccountSid;
    if (pathAccountSid !== undefined && pathAccountSid !== accountSid) {
      throw twilioErrors.notFound(ctx.path);
    }
    await next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
