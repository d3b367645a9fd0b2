// Arguments of `npm run admin:create -- --name "Ada" --email ada@example.com`.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from './cli-run.ts';

export const CREATE_ADMIN_USAGE = `Usage: npm run admin:create -- --name "Ada Lovelace" --email ada@example.com

Creates an admin agent and prints its API token (shown only once).
With the email of an existing admin, issues that admin a new token instead (--name is then optional).
Uses DATABASE_URL, or the embedded database of \`npm start\` when DATABASE_URL is not set.`;

export interface CreateAdminArgs {
  name?: string;
  email: string;
  help: boolean;
}

const nameSchema = z.string().trim().min(1, '--name must not be empty').max(100, '--name must be at most 100 characters');
const emailSchema = z.string().trim().toLowerCase().pipe(z.email('--email must be an email address').max(254));

export function parseCreateAdminArgs(argv: string[]): CreateAdminArgs {
  let values: { name?: string; email?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, email: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  return { name, email: email.data, help: false };
}
