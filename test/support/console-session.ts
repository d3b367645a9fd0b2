// The agent console's way in, as a browser does it: sign in with email and password, then send
// the session cookie (and, on state-changing requests, the CSRF token) with every request.
import { expect } from 'vitest';
import { requestJson, type JsonResponse } from './http.ts';

export interface ConsoleSession {
  /** The sms_session cookie's value. */
  cookie: string;
  csrfToken: string;
  /** The full Set-Cookie header the sign-in answered with. */
  setCookie: string;
  agent: { id: string; name: string; email: string; role: string };
  /**
   * A request with the cookie; state-changing ones carry X-CSRF-Token unless `csrf` is false
   * (or a string, sent instead of the right token).
   */
  request(method: string, path: string, options?: { body?: unknown; csrf?: boolean | string; headers?: Record<string, string> }): Promise<JsonResponse>;
}

export function sessionCookieOf(setCookie: string | null): string | undefined {
  return setCookie ? /(?:^|,\s*)sms_session=([^;]*)/.exec(setCookie)?.[1] : undefined;
}

export function signInRequest(baseUrl: string, email: string, password: string, headers: Record<string, string> = {}) {
  return requestJson(baseUrl, 'POST', '/api/session', { body: { email, password }, headers });
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<ConsoleSession> {
  const answer = await signInRequest(baseUrl, email, password);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const setCookie = answer.headers.get('set-cookie')!;
  const cookie = sessionCookieOf(setCookie)!;
  expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const { csrfToken, agent } = answer.body as { csrfToken: string; agent: ConsoleSession['agent'] };
  return {
    cookie,
    csrfToken,
    setCookie,
    agent,
    request(method, path, options = {}) {
      const safe = ['GET', 'HEAD', 'OPTIONS'].includes(method);
      const csrf = options.csrf ?? !safe;
      return requestJson(baseUrl, method, path, {
        body: options.body,
        headers: {
          Cookie: `sms_session=${cookie}`,
          ...(csrf === true ? { 'X-CSRF-Token': csrfToken } : typeof csrf === 'string' ? { 'X-CSRF-Token': csrf } : {}),
          ...options.headers,
        },
      });
    },
  };
}
