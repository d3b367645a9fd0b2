// The application applies prisma/migrations itself and must leave `_prisma_migrations` exactly as
// `prisma migrate deploy` would, so either tool can take over the database. Real PostgreSQL.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createLogger } from './logger.ts';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, MigrationError } from './migrations.ts';

const log = createLogger('silent', 'migrations-test');
const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');
const BROKEN = '99999999999999_broken';

interface Expected {
  name: string;
  checksum: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const databases: TestDatabase[] = [];
let expected: Expected[];
let tempDir: string | undefined;

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function migrationRows(url: string): Promise<MigrationRow[]> {
  return query<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
}

beforeAll(async () => {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  expected = await Promise.all(
    names.map(async (name) => ({
      name,
      checksum: createHash('sha256').update(await readFile(path.join(MIGRATIONS_DIR, name, 'migration.sql'))).digest('hex'),
    })),
  );
});

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

it('reads the project’s prisma/migrations by default', () => {
  expect(path.resolve(DEFAULT_MIGRATIONS_DIR)).toBe(MIGRATIONS_DIR);
  expect(expected.map((m) => m.name).slice(0, 2)).toEqual(['20261125000000_init', '20261125000100_seed_auto_response_rules']);
  expect(expected.map((m) => m.name)).toEqual([...expected.map((m) => m.name)].sort());
});

describe('on a fresh database', () => {
  let url: string;
  let appliedFirst: string[];

  beforeAll(async () => {
    url = (await freshDatabase()).url;
    appliedFirst = await applyMigrations(url, log);
  });

  it('applies every migration folder, in order, and returns their names', () => {
    expect(appliedFirst).toEqual(expected.map((m) => m.name));
  });

  it('writes one _prisma_migrations row per folder, as prisma migrate deploy does', async () => {
    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(expected.map((m) => m.name));
    for (const [index, row] of rows.entries()) {
      const migration = expected[index]!;
      expect(row.id, row.migration_name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.id).toHaveLength(36);
      expect(row.checksum, row.migration_name).toBe(migration.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at, row.migration_name).toBeInstanceOf(Date);
      expect(row.started_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count, row.migration_name).toBe(1);
      expect(row.rolled_back_at, row.migration_name).toBeNull();
      expect(row.logs, row.migration_name).toBeNull();
    }
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  });

  it('creates _prisma_migrations with Prisma’s column types', async () => {
    const columns = await query<{
      column_name: string;
      data_type: string;
      character_maximum_length: number | null;
      is_nullable: 'YES' | 'NO';
      column_default: string | null;
    }>(
      url,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', character_maximum_length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', character_maximum_length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', character_maximum_length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', character_maximum_length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', character_maximum_length: null, is_nullable: 'NO', column_default: '0' },
    ]);
    const [primaryKey] = await query<{ columns: string }>(
      url,
      `SELECT string_agg(a.attname, ',') AS columns
         FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = '"_prisma_migrations"'::regclass AND i.indisprimary`,
    );
    expect(primaryKey?.columns).toBe('id');
  });

  it('seeds the five keyword rules, priorities 1..5, and the after-hours rule', async () => {
    const rules = await query<{ name: string; priority: number; active: boolean; opts_out: boolean; flags_agent: boolean; keywords: string[] }>(
      url,
      'SELECT name, priority, active, opts_out, flags_agent, keywords FROM auto_response_rules ORDER BY priority',
    );
    expect(rules.map((rule) => [rule.priority, rule.name])).toEqual([
      [1, 'Help'],
      [2, 'Documents'],
      [3, 'Status'],
      [4, 'Unsubscribe'],
      [5, 'Confirmation'],
      [1000, 'After hours'],
    ]);
    expect(rules.every((rule) => rule.active)).toBe(true);
    expect(rules.filter((rule) => rule.opts_out).map((rule) => rule.name)).toEqual(['Unsubscribe']);
    expect(rules.filter((rule) => rule.flags_agent).map((rule) => rule.name)).toEqual(['Help', 'Status']);
    expect(rules[3]!.keywords).toEqual(['stop', 'unsubscribe', 'opt out']);
  });

  it('applies nothing the second time, returns [] and leaves the rows as they were', async () => {
    const before = await migrationRows(url);
    expect(await applyMigrations(url, log)).toEqual([]);
    expect(await migrationRows(url)).toEqual(before);
    const [{ count }] = (await query<{ count: string }>(url, 'SELECT count(*) FROM auto_response_rules')) as [{ count: string }];
    expect(count).toBe('6');
  });
});

describe('two deployers at once', () => {
  it('apply each migration exactly once between them (advisory lock)', async () => {
    const { url } = await freshDatabase();
    const results = await Promise.all([applyMigrations(url, log), applyMigrations(url, log)]);
    const names = expected.map((m) => m.name);
    expect(results.flat().sort()).toEqual(names);
    // One of them did all the work; the other found it done.
    expect(results.map((r) => r.length).sort()).toEqual([0, names.length]);
    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    expect(rows.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
    const [{ count }] = (await query<{ count: string }>(url, 'SELECT count(*) FROM auto_response_rules')) as [{ count: string }];
    expect(count).toBe('6');
  });
});

describe('a migration that fails', () => {
  let url: string;
  let brokenDir: string;
  let firstError: unknown;

  beforeAll(async () => {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'sms-migrations-test-'));
    brokenDir = path.join(tempDir, 'migrations');
    await cp(MIGRATIONS_DIR, brokenDir, { recursive: true });
    await mkdir(path.join(brokenDir, BROKEN));
    await writeFile(
      path.join(brokenDir, BROKEN, 'migration.sql'),
      'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n',
    );
    url = (await freshDatabase()).url;
    firstError = await applyMigrations(url, log, brokenDir).then(
      () => undefined,
      (error: unknown) => error,
    );
  });

  it('throws a MigrationError naming the migration', () => {
    expect(firstError).toBeInstanceOf(MigrationError);
    expect((firstError as Error).message).toContain(BROKEN);
  });

  it('keeps the migrations before it applied', async () => {
    const rows = await migrationRows(url);
    const good = rows.filter((row) => row.migration_name !== BROKEN);
    expect(good.map((row) => row.migration_name)).toEqual(expected.map((m) => m.name));
    expect(good.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
  });

  it('leaves a row with finished_at null and the error in logs, and rolls its work back', async () => {
    const rows = (await migrationRows(url)).filter((row) => row.migration_name === BROKEN);
    expect(rows).toHaveLength(1);
    const [row] = rows as [MigrationRow];
    expect(row.finished_at).toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(0);
    expect(row.logs).toEqual(expect.stringContaining('no_such_table'));
    const [{ exists }] = (await query<{ exists: string | null }>(url, `SELECT to_regclass('"half_done"') AS exists`)) as [
      { exists: string | null },
    ];
    expect(exists).toBeNull();
  });

  it('makes the next call refuse, naming the failed migration, and change nothing', async () => {
    const before = await migrationRows(url);
    for (const dir of [brokenDir, MIGRATIONS_DIR]) {
      const error = await applyMigrations(url, log, dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, dir).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain(BROKEN);
    }
    expect(await migrationRows(url)).toEqual(before);
  });
});
