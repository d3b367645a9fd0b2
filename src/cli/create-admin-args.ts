// Arguments of `npm run admin:create -- --name "Ada" --email ada@example.com`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../api/auth/passwords.ts';
import { codePointLength } from '../api/routing/text-field.ts';
import { UsageError } from './cli-run.ts';

export const CREATE_ADMIN_USAGE = `Usage: npm run admin:create -- --name "Ada Lovelace" --email ada@example.com [--password '…']

Creates an admin agent and prints its API token (shown only once).
With the email of an existing admin, issues that admin a new token instead (--name is then optional).
--password (or the SMS_ADMIN_PASSWORD environment variable, which other users cannot see in the
process list) also sets the admin's console sign-in password (${MIN_PASSWORD_LENGTH}..${MAX_PASSWORD_LENGTH} characters); setting it
for an existing admin ends that admin's console sessions.
Uses DATABASE_URL, or the embedded database of \`npm start\` when DATABASE_URL is not set.`;

export interface CreateAdminArgs {
  name?: string;
  email: string;
  /** The console password to set, from --password or SMS_ADMIN_PASSWORD. */
  password?: string;
  help: boolean;
}

const nameSchema = z.string().trim().min(1, '--name must not be empty').max(100, '--name must be at most 100 characters');
const emailSchema = z.string().trim().toLowerCase().pipe(z.email('--email must be an email address').max(254));

function checkedPassword(password: string, source: string): string {
  const length = codePointLength(password);
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(`${source} must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}

export function parseCreateAdminArgs(argv: string[], env: { SMS_ADMIN_PASSWORD?: string } = {}): CreateAdminArgs {
  let values: { name?: string; email?: string; password?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        name: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { email: '', help: true };
  if (values.email === undefined) throw new UsageError('--email is required');
  const email = emailSchema.safeParse(values.email);
  if (!email.success) throw new UsageError(email.error.issues[0]!.message);
  let name: string | undefined;
  if (values.name !== undefined) {
    const parsed = nameSchema.safeParse(values.name);
    if (!parsed.success) throw new UsageError(parsed.error.issues[0]!.message);
    name = parsed.data;
  }
  let password: string | undefined;
  if (values.password !== undefined) password = checkedPassword(values.password, '--password');
  else if (env.SMS_ADMIN_PASSWORD) password = checkedPassword(env.SMS_ADMIN_PASSWORD, 'SMS_ADMIN_PASSWORD');
  return { name, email: email.data, ...(password !== undefined ? { password } : {}), help: false };
}
