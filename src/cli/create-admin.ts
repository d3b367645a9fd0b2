// `npm run admin:create -- --name "Ada" --email ada@example.com`: creates an admin (or issues an
// existing admin a new token) and prints the token once. See create-admin-args.ts for usage.
import { loadConfig } from '../config/config.ts';
import { HttpError } from '../api/http-error.ts';
import { bootstrapAdmin } from './bootstrap-admin.ts';
import { openCliDatabase } from './cli-database.ts';
import { createCliLogger } from './cli-logger.ts';
import { CommandFailed, runCli } from './cli-run.ts';
import { CREATE_ADMIN_USAGE, parseCreateAdminArgs } from './create-admin-args.ts';

async function main(): Promise<void> {
  const args = parseCreateAdminArgs(process.argv.slice(2), process.env);
  if (args.help) {
    process.stdout.write(`${CREATE_ADMIN_USAGE}\n`);
    return;
  }
  const config = loadConfig();
  const log = createCliLogger(config.logLevel, 'admin-create');
  const database = await openCliDatabase(config, log);
  try {
    const result = await bootstrapAdmin(database.db, args).catch((error: unknown) => {
      if (error instanceof HttpError) throw new CommandFailed(error.message);
      throw error;
    });
    const { agent, token } = result;
    const lines = [
      result.created
        ? `Created admin ${agent.name} <${agent.email}> (id ${agent.id}) in ${database.description}.`
        : `Issued a new API token to admin ${agent.name} <${agent.email}> (id ${agent.id}); earlier tokens still work.`,
      ...(args.name && !result.created && args.name !== agent.name ? [`(--name was ignored: the admin already exists.)`] : []),
      'API token (shown only once: it is stored as a hash and cannot be shown again; keep it somewhere safe):',
      token,
      `Use it as: Authorization: Bearer <token>`,
      ...(args.password !== undefined ? [`Console password set: sign in at ${config.api.baseUrl}/sms with ${agent.email}.`] : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await database.close();
  }
}

await runCli(main, CREATE_ADMIN_USAGE);
