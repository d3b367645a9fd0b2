// The console's session cookie. Written by hand rather than through ctx.cookies so `Secure`
// follows API_BASE_URL (the public URL) even behind a TLS-terminating proxy that does not say
// X-Forwarded-Proto, where Koa would refuse to set a secure cookie.
import type { Context } from 'koa';

export const SESSION_COOKIE = 'sms_session';

function attributes(publicBaseUrl: string, maxAgeSeconds: number): string {
  const secure = publicBaseUrl.startsWith('https:');
  // HttpOnly: page scripts never see it. SameSite=Strict: no other site's page sends it.
  return `; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function setSessionCookie(ctx: Context, value: string, maxAgeSeconds: number, publicBaseUrl: string): void {
  ctx.append('Set-Cookie', `${SESSION_COOKIE}=${value}${attributes(publicBaseUrl, maxAgeSeconds)}`);
}

export function clearSessionCookie(ctx: Context, publicBaseUrl: string): void {
  ctx.append('Set-Cookie', `${SESSION_COOKIE}=${attributes(publicBaseUrl, 0)}`);
}

/** The cookie's value, or undefined when absent or empty. */
export function sessionCookieOf(ctx: Context): string | undefined {
  const header = ctx.get('Cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === SESSION_COOKIE) {
      const value = part.slice(index + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}
