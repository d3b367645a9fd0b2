// The one API client of the console, generated from the API's OpenAPI document
// (schema.d.ts, by `npm run build:console`): every call is typed by the document, none by hand.
// The session cookie travels by itself (same origin); a middleware adds the CSRF token the
// session answered with to every request that changes something, and reports a 401 so the page
// can return to sign-in (a session that expired, or an agent deactivated meanwhile).
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

let csrfToken: string | undefined;
let onSignedOut: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when any request answers 401: the session is gone. */
export function onSessionLost(handler: () => void): void {
  onSignedOut = handler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // Sign-in's own 401 is "wrong password", not a lost session.
    const signingIn = new URL(request.url).pathname === '/api/session';
    if (response.status === 401 && !signingIn) onSignedOut?.();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });
api.use(session);
