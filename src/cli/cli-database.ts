// The database a command works on. DATABASE_URL when set; otherwise the embedded database of
// `npm start`. PGlite's data folder can be opened by one process only, so when `npm start` is
// running its server is used over the wire; when it is not, the command serves the folder itself
// for as long as it runs.
import pg from 'pg';
import type { Config } from '../config/config.ts';
import { createDatabase, type Database } from '../infra/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../infra/embedded-postgres.ts';
import type { Logger } from '../infra/logger.ts';
import { applyMigrations } from '../infra/migrations.ts';
import { CommandFailed } from './cli-run.ts';

const PROBE_TIMEOUT_MS = 3_000;

export interface CliDatabase {
  db: Database;
  /** Where the data lives, for the command's output (no credentials). */
  description: string;
  close(): Promise<void>;
}

export function embeddedServerUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

/** True when a PostgreSQL server answers at `url`; false when nothing listens there. */
async function serverAnswers(url: string, port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ECONNREFUSED') return false;
    throw new CommandFailed(
      `Something listens on 127.0.0.1:${port} (EMBEDDED_POSTGRES_PORT) but did not answer as the embedded database: ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openCliDatabase(config: Config, log: Logger): Promise<CliDatabase> {
  if (config.database.url) {
    const url = config.database.url;
    await applyMigrations(url, log);
    const db = createDatabase(url, { poolMax: 1 });
    return { db, description: 'DATABASE_URL', close: () => db.$disconnect() };
  }

  const port = config.database.embeddedPort;
  let embedded: EmbeddedPostgres | undefined;
  let url = embeddedServerUrl(port);
  let description = `the embedded database served by the running system on port ${port}`;
  if (!(await serverAnswers(url, port))) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port });
    url = embedded.url;
    description = `the embedded database in ${config.dataDir}`;
  }
  try {
    await applyMigrations(url, log);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  // PGlite serves one session: one connection.
  const db = createDatabase(url, { poolMax: 1 });
  return {
    db,
    description,
    async close() {
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
