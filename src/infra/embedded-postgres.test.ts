// The no-setup default database: PGlite served over the wire protocol, migrated by the app,
// used through Prisma exactly like real PostgreSQL, and persistent across restarts.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../test/support/free-port.ts';
import { createDatabase, type Database } from './database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { createLogger } from './logger.ts';
import { applyMigrations, readMigrations } from './migrations.ts';

const log = createLogger('silent', 'embedded-postgres-test');
const PHONE = '+447700900123';

let dataDir: string;
let server: EmbeddedPostgres | undefined;
let db: Database | undefined;

async function stopAll(): Promise<void> {
  await db?.$disconnect();
  db = undefined;
  await server?.stop();
  server = undefined;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'sms-embedded-pg-test-'));
});

afterAll(async () => {
  await stopAll();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it(
  'serves a migrated database to Prisma and keeps its data across a restart',
  async () => {
    const allMigrations = (await readMigrations()).map((m) => m.name);

    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), listenChannels: ['changes'] });
    expect(server.url).toMatch(/^postgresql:\/\/[^@]+@127\.0\.0\.1:\d+\//);
    expect(await readdir(path.join(dataDir, 'postgres'))).not.toEqual([]);

    expect(await applyMigrations(server.url, log)).toEqual(allMigrations);

    db = createDatabase(server.url, { poolMax: 1 });
    // Search needs pg_trgm, which PGlite loads only when it is handed the extension.
    await db.contact.create({ data: { phoneNumber: '+447700900999', name: 'Grace Hopper' } });
    const trigram = await db.$queryRaw<{ id: string; score: number }[]>`
      SELECT id, similarity(name, 'grace hoper')::float8 AS score FROM contacts WHERE name ILIKE ${'%HOPP%'}`;
    expect(trigram).toHaveLength(1);
    expect(trigram[0]!.score).toBeGreaterThan(0.5);
    const indexes = await db.$queryRaw<{ indexname: string }[]>`
      SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm_idx' ORDER BY indexname`;
    expect(indexes.map((row) => row.indexname)).toEqual([
      'contacts_name_trgm_idx',
      'conversations_customer_number_trgm_idx',
      'messages_body_trgm_idx',
    ]);
    await db.contact.deleteMany({ where: { phoneNumber: '+447700900999' } });

    const created = await db.contact.create({ data: { phoneNumber: PHONE } });
    expect(created.optedOut).toBe(false);
    const read = await db.contact.findUnique({ where: { phoneNumber: PHONE } });
    expect(read).toEqual(created);
    // The seeded rules (the migrations' own test checks them all).
    const rules = await db.autoResponseRule.findMany({ orderBy: { priority: 'asc' } });
    expect(rules.slice(0, 5).map((rule) => [rule.priority, rule.name])).toEqual([
      [1, 'Help'],
      [2, 'Documents'],
      [3, 'Status'],
      [4, 'Unsubscribe'],
      [5, 'Confirmation'],
    ]);
    await db.contact.update({ where: { id: created.id }, data: { optedOut: true, optOutKeyword: 'STOP' } });


    await stopAll();

    // Same folder, another port: everything is still there and nothing is migrated twice.
    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    expect(await applyMigrations(server.url, log)).toEqual([]);
    db = createDatabase(server.url, { poolMax: 1 });
    const again = await db.contact.findUnique({ where: { phoneNumber: PHONE } });
    expect(again).toMatchObject({ id: created.id, phoneNumber: PHONE, optedOut: true, optOutKeyword: 'STOP' });
    expect(await db.contact.count()).toBe(1);
    expect(await db.autoResponseRule.count()).toBe(rules.length);
    const migrationRows = await db.$queryRaw<{ migration_name: string; applied_steps_count: number }[]>`
      SELECT migration_name, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(migrationRows).toEqual(allMigrations.map((name) => ({ migration_name: name, applied_steps_count: 1 })));
  },
  180_000,
);

it(
  'runs in a thread of its own and hands over NOTIFYs committed by any connection, in order',
  async () => {
    const threadsBefore = await threadNames();
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), listenChannels: ['changes'] });
    // PGlite's WASM (and its socket server) run off the main event loop, in a thread of their own.
    expect((await threadNames()).length).toBeGreaterThan(threadsBefore.length);
    const heard: string[] = [];
    const stop = server.notifications.listen('changes', (payload) => heard.push(payload));
    expect(() => server!.notifications.listen('other', () => undefined)).toThrow(/not started to LISTEN/);

    db = createDatabase(server.url, { poolMax: 1 });
    await db.$executeRaw`SELECT pg_notify('changes', 'one')`;
    await waitUntil(() => heard.length === 1);
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_notify('changes', 'two')`;
      await tx.$executeRaw`SELECT pg_notify('changes', 'three')`;
      // Not before the commit (the second statement's round trip gives a wrong one time to arrive).
      expect(heard).toEqual(['one']);
    });
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_notify('changes', 'rolled back')`;
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await db.$executeRaw`SELECT pg_notify('elsewhere', 'not listened to')`;
    // A payload long enough to reach the client in more than one chunk.
    const long = 'x'.repeat(7_000);
    await db.$executeRaw`SELECT pg_notify('changes', ${long})`;
    await waitUntil(() => heard.length === 4);
    expect(heard).toEqual(['one', 'two', 'three', long]);
    stop();
    await db.$executeRaw`SELECT pg_notify('changes', 'after stop')`;
    expect(heard).toHaveLength(4);
    await stopAll();
  },
  180_000,
);

/** Threads of this process, by name (Linux). */
async function threadNames(): Promise<string[]> {
  const tasks = await readdir('/proc/self/task');
  return Promise.all(tasks.map((task) => readFile(`/proc/self/task/${task}/comm`, 'utf8')));
}

async function waitUntil(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the notifications');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
