// The no-setup default database: PGlite served over the wire protocol, migrated by the app,
// used through Prisma exactly like real PostgreSQL, and persistent across restarts.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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

    server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    expect(server.url).toMatch(/^postgresql:\/\/[^@]+@127\.0\.0\.1:\d+\//);
    expect(await readdir(path.join(dataDir, 'postgres'))).not.toEqual([]);

    expect(await applyMigrations(server.url, log)).toEqual(allMigrations);

    db = createDatabase(server.url, { poolMax: 1 });
    const created = await db.contact.create({ data: { phoneNumber: PHONE } });
    expect(created.optedOut).toBe(false);
    const read = await db.contact.findUnique({ where: { phoneNumber: PHONE } });
    expect(read).toEqual(created);
    const rules = await db.autoResponseRule.findMany({ orderBy: { priority: 'asc' } });
    expect(rules.map((rule) => [rule.priority, rule.name])).toEqual([
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
    expect(await db.autoResponseRule.count()).toBe(5);
    const migrationRows = await db.$queryRaw<{ migration_name: string; applied_steps_count: number }[]>`
      SELECT migration_name, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(migrationRows).toEqual(allMigrations.map((name) => ({ migration_name: name, applied_steps_count: 1 })));
  },
  180_000,
);
