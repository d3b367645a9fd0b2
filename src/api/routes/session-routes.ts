// The agent console's sign-in: POST /api/session trades an email and password for an HttpOnly
// session cookie and a CSRF token; GET tells the page who is signed in; DELETE signs out. Every
// other agent route accepts the cookie as well as a bearer token (auth/authenticate.ts).
import type { Context } from 'koa';
import type { Agent } from '../../generated/prisma/client.ts';
import type { ApiDeps } from '../api-deps.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { createSession, DEFAULT_SESSION_TTL_HOURS, revokeSession } from '../auth/sessions.ts';
import { reserveAttempt, strikeOff, MAX_FAILURES, WINDOW_MS } from '../auth/sign-in-limit.ts';
import { HttpError } from '../http-error.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { findAgentByEmail, normaliseEmail } from './agents/agent-accounts.ts';
import { sessionSchema, signInBody } from './session/session-schemas.ts';

const TAG = 'Session';
/** One message for every wrong detail, so the answer does not tell which emails exist. */
const INVALID_CREDENTIALS = 'Email or password is wrong';

function sessionJson(agent: Pick<Agent, 'id' | 'name' | 'email' | 'role'>, csrfToken: string, expiresAt: Date) {
  return { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role }, csrfToken, expiresAt: expiresAt.toISOString() };
}

export function registerSessionRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const { db } = deps;
  const ttlHours = deps.sessionTtlHours ?? DEFAULT_SESSION_TTL_HOURS;

  routes.add({
    method: 'post',
    path: '/api/session',
    summary: 'Sign in to the agent console with email and password; sets the sms_session cookie',
    tag: TAG,
    access: 'public',
    body: signInBody,
    response: { status: 200, description: 'Signed in: the session cookie is set (HttpOnly, SameSite=Strict)', schema: sessionSchema },
    errors: {
      401: 'Wrong email or password, an agent without a console password, or a deactivated agent: one answer for all (invalid_credentials)',
      429: `More than ${MAX_FAILURES} failed sign-ins for this email from this address in ${WINDOW_MS / 60_000} minutes (too_many_attempts); Retry-After says when to try again`,
    },
    async handle(ctx: Context, { body }) {
      const email = normaliseEmail(body.email);
      const reservation = await reserveAttempt(db, { email, clientIp: ctx.ip });
      if (!reservation.allowed) {
        ctx.set('Retry-After', String(reservation.retryAfterSeconds));
        throw new HttpError(429, 'too_many_attempts', `Too many failed sign-ins; try again in ${reservation.retryAfterSeconds} s`, {
          retryAfterSeconds: reservation.retryAfterSeconds,
        });
      }
      const agent = await findAgentByEmail(db, email);
      // Always one argon2 check (against a dummy hash when there is nothing to check), so the
      // time taken does not tell a known email from an unknown one.
      const matches = await verifyPassword(agent?.passwordHash, body.password);
      if (!agent || !matches || !agent.active) throw new HttpError(401, 'invalid_credentials', INVALID_CREDENTIALS);
      await strikeOff(db, reservation.attemptId);
      const session = await createSession(db, agent.id, ttlHours);
      setSessionCookie(ctx, session.token, ttlHours * 3600, deps.publicBaseUrl);
      deps.log.info({ agentId: agent.id }, 'agent signed in to the console');
      return sessionJson(agent, session.csrfToken, session.expiresAt);
    },
  });

  routes.add({
    method: 'get',
    path: '/api/session',
    summary: 'The console session the cookie belongs to',
    tag: TAG,
    access: 'agent',
    sessionOnly: true,
    response: { status: 200, description: 'The signed-in agent, the CSRF token and when the session ends', schema: sessionSchema },
    async handle(_ctx, { agent }) {
      if (agent.via !== 'session') throw new Error('sessionOnly route authenticated without a session');
      return sessionJson(agent, agent.session.csrfToken, agent.session.expiresAt);
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/session',
    summary: 'Sign out: ends the session and clears its cookie (needs X-CSRF-Token)',
    tag: TAG,
    access: 'agent',
    sessionOnly: true,
    response: { status: 204, description: 'Signed out; the cookie is cleared (Max-Age=0)' },
    async handle(ctx, { agent }) {
      if (agent.via !== 'session') throw new Error('sessionOnly route authenticated without a session');
      await revokeSession(db, agent.session.id);
      clearSessionCookie(ctx, deps.publicBaseUrl);
      return undefined;
    },
  });
}
