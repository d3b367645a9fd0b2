// A fresh, migrated PostgreSQL database per test file, dropped afterwards. The server comes
// from TEST_DATABASE_URL (a role that may CREATE DATABASE); `.ci/run` sets one up.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger } from '../../src/infra/logger.ts';
import { applyMigrations } from '../../src/infra/migrations.ts';

export const DEFAULT_TEST_DATABASE_URL = 'postgresql://sms:sms@127.0.0.1:5432/sms';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function adminDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Tests need a PostgreSQL server: set TEST_DATABASE_URL to a role that may create databases (tried ${adminDatabaseUrl().replace(/:[^:@/]+@/, ':***@')}): ${(error as Error).message}`,
    );
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `sms_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminDatabaseUrl());
  url.pathname = `/${name}`;
  if (options.migrate !== false) await applyMigrations(url.toString(), createLogger('warn', 'test-migrate'));
  return {
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

/**
 * DROP … WITH (FORCE) ends the database's sessions, but not one of a role ours is not a member
 * of: an autovacuum worker (the superuser's) that PostgreSQL started in it after a test's writes.
 * That one finishes in moments, so the drop is tried again until it goes (42501 only).
 */
async function dropDatabase(name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
