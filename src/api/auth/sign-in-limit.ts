// At most MAX_FAILURES failed sign-ins per (email, client address) in a sliding WINDOW, counted in
// PostgreSQL so the limit holds however many API processes there are. Over the limit every
// attempt is refused, right password or not, until the oldest failure leaves the window.
//
// An attempt is written down as a failure *before* its password is checked and struck off if it
// succeeds: so a burst of parallel guesses sees its own in-flight attempts and cannot slip more
// than MAX_FAILURES checks past the count.
import type { Database } from '../../infra/database.ts';

export const MAX_FAILURES = 5;
/**
 * Per email, from any address. The client address comes from X-Forwarded-For behind a load
 * balancer (app.proxy), which a client talking to the API directly can make up: this cap bounds
 * guessing at one account however many addresses it claims.
 */
export const MAX_FAILURES_PER_EMAIL = 20;
export const WINDOW_MS = 15 * 60 * 1000;

export interface SignInKey {
  /** Normalised (trimmed, lower-cased), so case does not buy extra attempts. */
  email: string;
  clientIp: string;
}

export type Reservation = { allowed: true; attemptId: bigint } | { allowed: false; retryAfterSeconds: number };

/** Counts this attempt in; refused (with seconds until one is allowed) when the window is full. */
export async function reserveAttempt(db: Database, key: SignInKey, now = new Date()): Promise<Reservation> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  // Everyone's failures that left the window go, so the table stays small.
  await db.signInFailure.deleteMany({ where: { createdAt: { lt: windowStart } } });
  const attempt = await db.signInFailure.create({ data: { ...key, createdAt: now }, select: { id: true } });
  const earlier = await db.signInFailure.findMany({
    where: { email: key.email, clientIp: key.clientIp, createdAt: { gte: windowStart }, id: { not: attempt.id } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: MAX_FAILURES,
    select: { createdAt: true },
  });
  const earlierForEmail = await db.signInFailure.findMany({
    where: { email: key.email, createdAt: { gte: windowStart }, id: { not: attempt.id } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: MAX_FAILURES_PER_EMAIL,
    select: { createdAt: true },
  });
  const full = earlier.length >= MAX_FAILURES ? earlier : earlierForEmail.length >= MAX_FAILURES_PER_EMAIL ? earlierForEmail : undefined;
  if (!full) return { allowed: true, attemptId: attempt.id };
  await db.signInFailure.deleteMany({ where: { id: attempt.id } });
  // Allowed again once the oldest of the failures that fill the window has left it.
  const oldest = full.at(-1)!.createdAt;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest.getTime() + WINDOW_MS - now.getTime()) / 1000)) };
}

/** The attempt signed in: it was no failure. */
export async function strikeOff(db: Database, attemptId: bigint): Promise<void> {
  await db.signInFailure.deleteMany({ where: { id: attemptId } });
}
