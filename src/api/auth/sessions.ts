// Console sign-in sessions. The cookie holds 32 random bytes (base64url); the table holds only
// their SHA-256, so a read of the database does not yield a working session. Each session has its
// own CSRF token, which the page sends back as X-CSRF-Token on every state-changing request.
import { randomBytes } from 'node:crypto';
import type { Agent, AgentSession, Prisma } from '../../generated/prisma/client.ts';
import type { Database } from '../../infra/database.ts';
import { hashToken } from './tokens.ts';

export const DEFAULT_SESSION_TTL_HOURS = 12;
/** last_seen_at is written at most this often per session, not on every request. */
const TOUCH_EVERY_MS = 60_000;
/** Expired and revoked sessions are kept this long (for audits), then pruned at sign-in. */
const KEEP_ENDED_MS = 7 * 24 * 60 * 60 * 1000;

export interface NewSession {
  id: string;
  /** The cookie's value: shown to the browser only. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export type SessionWithAgent = AgentSession & { agent: Agent };

export async function createSession(db: Database, agentId: string, ttlHours: number, now = new Date()): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000);
  const session = await db.agentSession.create({
    data: { agentId, tokenHash: hashToken(token), csrfToken, createdAt: now, expiresAt, lastSeenAt: now },
    select: { id: true },
  });
  // Ended sessions of everyone pile up otherwise; sign-in is rare enough to carry the cleanup.
  await db.agentSession.deleteMany({
    where: { OR: [{ expiresAt: { lt: new Date(now.getTime() - KEEP_ENDED_MS) } }, { revokedAt: { lt: new Date(now.getTime() - KEEP_ENDED_MS) } }] },
  });
  return { id: session.id, token, csrfToken, expiresAt };
}

/** The session the cookie value names, if it is neither revoked nor expired and its agent is active. */
export async function findLiveSession(db: Database, token: string, now = new Date()): Promise<SessionWithAgent | undefined> {
  const session = await db.agentSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { agent: true } });
  if (!session || session.revokedAt || session.expiresAt <= now || !session.agent.active) return undefined;
  return session;
}

/** Records that the session was used, at most once a minute (a conditional update: racing requests write once). */
export async function touchSession(db: Database, session: AgentSession, now = new Date()): Promise<void> {
  const staleBefore = new Date(now.getTime() - TOUCH_EVERY_MS);
  if (session.lastSeenAt > staleBefore) return;
  await db.agentSession.updateMany({ where: { id: session.id, lastSeenAt: { lte: staleBefore } }, data: { lastSeenAt: now } });
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.agentSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Revokes every live session of the agent but `exceptSessionId` (the caller's own, when it changes its own password). */
export async function revokeAgentSessions(
  db: Database | Prisma.TransactionClient,
  agentId: string,
  exceptSessionId?: string,
): Promise<void> {
  await db.agentSession.updateMany({
    where: { agentId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
}
