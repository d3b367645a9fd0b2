// Bearer-token authentication and role checks for agent-facing routes.
import type { Context } from 'koa';
import type { Database } from '../../infra/database.ts';
import { HttpError } from '../http-error.ts';
import { hashToken } from './tokens.ts';

export type Role = 'agent' | 'admin';
export type Access = 'public' | Role;

export interface AuthenticatedAgent {
  id: string;
  name: string;
  email: string;
  role: Role;
  tokenId: string;
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

export async function authenticate(
  db: Database,
  ctx: Context,
  access: Access,
  allowQueryToken = false,
): Promise<AuthenticatedAgent | undefined> {
  if (access === 'public') return undefined;
  const token = bearerToken(ctx, allowQueryToken);
  ctx.set('WWW-Authenticate', 'Bearer');
  if (!token) throw unauthorized('An Authorization: Bearer <token> header is required');
  const found = await db.agentToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { agent: true } });
  if (!found || found.revokedAt || !found.agent.active) throw unauthorized('The token is invalid, revoked, or belongs to a deactivated agent');
  ctx.remove('WWW-Authenticate');
  if (access === 'admin' && found.agent.role !== 'admin') {
    throw new HttpError(403, 'forbidden', 'This action needs the admin role');
  }
  return { id: found.agent.id, name: found.agent.name, email: found.agent.email, role: found.agent.role, tokenId: found.id };
}
