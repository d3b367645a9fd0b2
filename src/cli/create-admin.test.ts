// `npm run admin:create` as an operator runs it: a child process against a real database, and
// the token it prints used against the real API.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent } from '../../test/support/agents.ts';
import { freePort } from '../../test/support/free-port.ts';
import { requestJson } from '../../test/support/http.ts';
import { startTestStack, type TestStack } from '../../test/support/stack.ts';
import { hashToken } from '../api/auth/tokens.ts';
import { createDatabase } from '../infra/database.ts';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.ts';
import { printedToken, runNpmScript } from './testing/run-npm-script.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

function createAdmin(args: string[], env: Record<string, string> = { DATABASE_URL: stack.databaseUrl }) {
  return runNpmScript('admin:create', args, env);
}

describe('admin:create against DATABASE_URL', () => {
  it('creates an admin and prints a token, once, that the API accepts for admin actions', async () => {
    const result = await createAdmin(['--name', 'Ada Lovelace', '--email', 'Ada@Example.com']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/shown only once/);
    const token = printedToken(result.stdout);
    expect(token).toBeDefined();
    expect(result.stdout.split(token!).length - 1).toBe(1);

    const me = await requestJson(stack.baseUrl, 'GET', '/api/agents/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', role: 'admin', active: true });

    const added = await requestJson(stack.baseUrl, 'POST', '/api/agents', {
      token,
      body: { name: 'Grace', email: 'grace-cli@example.com', role: 'agent' },
    });
    expect(added.status).toBe(201);

    const stored = await stack.db.agentToken.findMany({ where: { agent: { email: 'ada@example.com' } } });
    expect(stored.map((row) => row.tokenHash)).toEqual([hashToken(token!)]);
  });

  it('issues an existing admin a new token without revoking the earlier one', async () => {
    const first = printedToken((await createAdmin(['--name', 'Edsger', '--email', 'edsger@example.com'])).stdout);
    const again = await createAdmin(['--email', 'EDSGER@example.com']);

    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/new API token/);
    const second = printedToken(again.stdout);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    for (const token of [first, second]) {
      expect((await requestJson(stack.baseUrl, 'GET', '/api/test-twilio-config', { token })).status).toBe(200);
    }
    expect(await stack.db.agent.count({ where: { email: 'edsger@example.com' } })).toBe(1);
  });

  it('sets a console password with --password or SMS_ADMIN_PASSWORD, so the admin can sign in to the console', async () => {
    const created = await createAdmin(['--name', 'Barbara', '--email', 'barbara@example.com', '--password', 'liskov substitution']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Console password set/);
    expect(created.stdout).not.toContain('liskov substitution');
    const signedIn = await requestJson(stack.baseUrl, 'POST', '/api/session', { body: { email: 'barbara@example.com', password: 'liskov substitution' } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.agent).toMatchObject({ email: 'barbara@example.com', role: 'admin' });

    // For an existing admin, from the environment: the new password works, the old one no longer.
    const reset = await createAdmin(['--email', 'barbara@example.com'], { DATABASE_URL: stack.databaseUrl, SMS_ADMIN_PASSWORD: 'a replacement password' });
    expect(reset.exitCode, reset.stderr).toBe(0);
    const old = await requestJson(stack.baseUrl, 'POST', '/api/session', { body: { email: 'barbara@example.com', password: 'liskov substitution' } });
    expect(old.status).toBe(401);
    const fresh = await requestJson(stack.baseUrl, 'POST', '/api/session', { body: { email: 'barbara@example.com', password: 'a replacement password' } });
    expect(fresh.status).toBe(200);
  });

  it('refuses to issue a token to an agent without the admin role', async () => {
    const agent = await createTestAgent(stack.db, 'agent');
    const result = await createAdmin(['--email', agent.email]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/without the admin role/);
    expect(printedToken(result.stdout)).toBeUndefined();
    expect(await stack.db.agentToken.count({ where: { agentId: agent.id } })).toBe(1);
  });

  it('refuses a deactivated admin', async () => {
    const admin = await createTestAgent(stack.db, 'admin');
    await stack.db.agent.update({ where: { id: admin.id }, data: { active: false } });
    const result = await createAdmin(['--email', admin.email]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/deactivated/);
    expect(printedToken(result.stdout)).toBeUndefined();
  });

  it.each([
    { args: ['--name', 'No Email'], error: /--email is required/ },
    { args: ['--name', 'Bad', '--email', 'not-an-email'], error: /--email must be an email address/ },
    { args: ['--name', '   ', '--email', 'blank-name@example.com'], error: /--name must not be empty/ },
    { args: ['--email', 'nobody-yet@example.com'], error: /give --name/ },
    { args: ['--name', 'X', '--email', 'x@example.com', '--role', 'agent'], error: /Unknown option '--role'/ },
    { args: ['--name', 'X', '--email', 'x@example.com', 'extra'], error: /positional/i },
    { args: ['--name', 'X', '--email', 'x@example.com', '--password', 'too short'], error: /--password must be 12 to 256 characters/ },
  ])('exits with 2 and the usage for $args', async ({ args, error }) => {
    const agentsBefore = await stack.db.agent.count();
    const result = await createAdmin(args);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(error);
    expect(result.stderr).toMatch(/Usage: npm run admin:create/);
    expect(result.stdout).toBe('');
    expect(await stack.db.agent.count()).toBe(agentsBefore);
  });

  it('exits with 2 naming the variable when the configuration is invalid', async () => {
    const result = await createAdmin(['--name', 'Ada', '--email', 'cfg@example.com'], {
      DATABASE_URL: stack.databaseUrl,
      EMBEDDED_POSTGRES_PORT: 'not-a-port',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/EMBEDDED_POSTGRES_PORT/);
  });
});

describe('admin:create without DATABASE_URL (the embedded database of npm start)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sms-admin-create-'));
  });

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the data folder itself when the system is not running, and uses the running server when it is', async () => {
    const port = await freePort();
    const env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(port) };

    const alone = await createAdmin(['--name', 'Ada', '--email', 'ada@example.com'], env);
    expect(alone.exitCode, alone.stderr).toBe(0);
    const firstToken = printedToken(alone.stdout)!;
    expect(firstToken).toBeDefined();

    // Now the system's embedded server holds the folder (as under `npm start`): the command must
    // go through it, since a second process cannot open the folder (nor listen on the port).
    const server = await startEmbeddedPostgres({ dataDir, port });
    const db = createDatabase(server.url, { poolMax: 1 });
    try {
      const admin = await db.agent.findUniqueOrThrow({ where: { email: 'ada@example.com' }, include: { tokens: true } });
      expect(admin.role).toBe('admin');
      expect(admin.tokens.map((row) => row.tokenHash)).toEqual([hashToken(firstToken)]);

      const whileRunning = await createAdmin(['--email', 'ada@example.com'], env);
      expect(whileRunning.exitCode, whileRunning.stderr).toBe(0);
      const secondToken = printedToken(whileRunning.stdout)!;
      const hashes = (await db.agentToken.findMany({ where: { agentId: admin.id } })).map((row) => row.tokenHash);
      expect(hashes.sort()).toEqual([hashToken(firstToken), hashToken(secondToken)].sort());
    } finally {
      await db.$disconnect();
      await server.stop();
    }
  }, 180_000);
});
