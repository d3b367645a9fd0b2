// Agent API tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A plain hash
// (not a slow password hash) is right here: the token is random and long, so it cannot be
// guessed from its hash, and lookups by hash stay one indexed query per request.
import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'smsa_';

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
