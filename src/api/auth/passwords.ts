// Console passwords: argon2id hashes (the argon2 package's defaults: 64 MiB, 3 passes), never
// the password itself. Verifying always costs one argon2 run, even when there is no agent or no
// hash to check against, so the answer's timing does not tell which emails exist.
import argon2 from 'argon2';
import { textField } from '../routing/text-field.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** A new password: 12..256 characters (code points), else 400 weak_password. */
export const newPasswordField = textField({
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
  refusal: 'weak_password',
  description: `The new password: ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters (else 400 weak_password)`,
});

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

let dummyHash: Promise<string> | undefined;

/** A hash of a random password no one knows, made once per process, to verify against when no real hash exists. */
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(`no such agent ${Math.random()}${Date.now()}`);
  return dummyHash;
}

/**
 * Whether `password` matches `hash`. With no hash (unknown email, an agent without a password)
 * it checks against a dummy hash and answers false, taking as long as a real check.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    await argon2.verify(await dummy(), password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A stored value that is not an argon2 hash: no password matches it.
    return false;
  }
}
