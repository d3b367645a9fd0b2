// Twilio resource SIDs: a two-letter type prefix and 32 lowercase hex digits.
import { randomBytes } from 'node:crypto';

export type SidPrefix = 'SM' | 'MM';

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}
