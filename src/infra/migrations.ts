// Applies prisma/migrations at start-up. Why by hand: `prisma migrate deploy` needs Prisma's
// native schema engine, which cannot be downloaded on machines without internet. This writes
// the same `_prisma_migrations` rows Prisma writes (same table, lock id, checksum and columns),
// so `prisma migrate deploy` / `prisma migrate status` can take over the database at any time.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from './logger.ts';

/** The advisory lock key `prisma migrate` takes, so two deployers never migrate at once. */
const PRISMA_MIGRATE_LOCK_ID = 72707369;

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

// Prisma's own DDL for its bookkeeping table.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/** Applies every migration not yet applied; returns the names applied by this call. */
export async function applyMigrations(
  databaseUrl: string,
  log: Logger,
  dir = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      return await applyPending(client, migrations, log);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_ID]);
    }
  } finally {
    await client.end();
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function applyPending(client: pg.Client, migrations: MigrationFile[], log: Logger): Promise<string[]> {
  const { rows } = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
  );
  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    // Same rule as Prisma's P3009: a half-applied migration needs a human before anything else.
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier and was not rolled back; resolve it (see its logs in _prisma_migrations) before starting again`,
    );
  }
  const applied = new Map(rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]));
  const appliedNow: string[] = [];
  for (const migration of migrations) {
    const existing = applied.get(migration.name);
    if (existing) {
      if (existing.checksum !== migration.checksum) {
        log.warn({ migration: migration.name }, 'migration was edited after it was applied (checksum differs)');
      }
      continue;
    }
    await applyOne(client, migration);
    log.info({ migration: migration.name }, 'applied migration');
    appliedNow.push(migration.name);
  }
  return appliedNow;
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, String(error)]);
    throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`);
  }
  await client.query(
    'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
    [id],
  );
}
