// Authentication and role checks for agent-facing routes. A caller proves who it is with an API
// token (Authorization: Bearer, which wins when present) or with the console's session cookie.
// Cookies are sent by the browser on its own, so every state-changing request made with one must
// also carry the session's CSRF token in X-CSRF-Token (a header another site's page cannot set);
// that check lives here, once, for every route.
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Database } from '../../infra/database.ts';
import { HttpError } from '../http-error.ts';
import { sessionCookieOf } from './session-cookie.ts';
import { findLiveSession, touchSession } from './sessions.ts';
import { hashToken } from './tokens.ts';

export type Role = 'agent' | 'admin';
export type Access = 'public' | Role;

export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface AgentIdentity {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** The caller, and how it proved it: an API token or a console session. */
export type AuthenticatedAgent = AgentIdentity &
  (
    | { via: 'token'; tokenId: string }
    | { via: 'session'; session: { id: string; csrfToken: string; expiresAt: Date } }
  );

export interface AuthenticateOptions {
  /** Accept the token as ?access_token= too (EventSource cannot set headers). */
  allowQueryToken?: boolean;
  /** Only the session cookie counts (the session routes themselves); a bearer token is ignored. */
  sessionOnly?: boolean;
}

function bearerToken(ctx: Context, allowQueryToken: boolean): string | undefined {
  const header = ctx.get('Authorization');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match) return match[1];
  // Browsers' EventSource cannot send headers, so the live-events stream also takes ?access_token=.
  if (allowQueryToken && typeof ctx.query.access_token === 'string') return ctx.query.access_token;
  return undefined;
}

export function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token's row with its agent, if the token is known, not revoked and its agent active. */
async function liveToken(db: Database, token: string) {
  const found = await db.agentToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { agent: true } });
  return found && !found.revokedAt && found.agent.active ? found : undefined;
}

async function byToken(db: Database, token: string): Promise<AuthenticatedAgent> {
  const found = await liveToken(db, token);
  if (!found) throw unauthorized('The token is invalid, revoked, or belongs to a deactivated agent');
  const { agent } = found;
  return { id: agent.id, name: agent.name, email: agent.email, role: agent.role, via: 'token', tokenId: found.id };
}

async function bySession(db: Database, ctx: Context, cookie: string): Promise<AuthenticatedAgent> {
  const session = await findLiveSession(db, cookie);
  if (!session) throw unauthorized('The session has expired or ended, or its agent was deactivated; sign in again');
  if (!SAFE_METHODS.has(ctx.method)) {
    const given = ctx.get(CSRF_HEADER);
    if (!given || !sameSecret(given, session.csrfToken)) {
      throw new HttpError(403, 'csrf_failed', `A request made with the session cookie must carry the session's ${CSRF_HEADER} header`);
    }
  }
  await touchSession(db, session);
  const { agent } = session;
  return {
    id: agent.id,
    name: agent.name,
    email: agent.email,
    role: agent.role,
    via: 'session',
    session: { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
  };
}

export async function authenticate(
  db: Database,
  ctx: Context,
  access: Access,
  options: AuthenticateOptions = {},
): Promise<AuthenticatedAgent | undefined> {
  if (access === 'public') return undefined;
  ctx.set('WWW-Authenticate', 'Bearer');
  const token = options.sessionOnly ? undefined : bearerToken(ctx, options.allowQueryToken ?? false);
  const cookie = sessionCookieOf(ctx);
  let agent: AuthenticatedAgent;
  if (token) agent = await byToken(db, token);
  else if (cookie) agent = await bySession(db, ctx, cookie);
  else if (options.sessionOnly) throw unauthorized('No console session: sign in with POST /api/session');
  else throw unauthorized('An Authorization: Bearer <token> header (or a console session cookie) is required');
  ctx.remove('WWW-Authenticate');
  if (access === 'admin' && agent.role !== 'admin') {
    throw new HttpError(403, 'forbidden', 'This action needs the admin role');
  }
  return agent;
}

/**
 * Whether the credential a long-lived request (the live-event stream) was let in with still
 * holds: the token not revoked, the session not ended or expired, the agent still active. Reads
 * only: it neither extends the session nor sets headers (the stream's are sent already).
 */
export async function credentialStillHolds(db: Database, ctx: Context, options: AuthenticateOptions = {}): Promise<boolean> {
  const token = options.sessionOnly ? undefined : bearerToken(ctx, options.allowQueryToken ?? false);
  if (token) return (await liveToken(db, token)) !== undefined;
  const cookie = sessionCookieOf(ctx);
  return cookie ? (await findLiveSession(db, cookie)) !== undefined : false;
}
