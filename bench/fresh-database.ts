// With DATABASE_URL the benchmark runs on that PostgreSQL server, but in a database of its own,
// created for the run and dropped after it, so the user's data is never touched and every run
// starts from the same empty, migrated schema. When the role may not create databases, the
// benchmark says so and uses DATABASE_URL itself (its customer numbers are unique per run).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface BenchDatabase {
  url: string;
  /** True when a throwaway database was created (and will be dropped). */
  throwaway: boolean;
  serverVersion: string;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function prepareBenchDatabase(serverUrl: string, warn: (message: string) => void): Promise<BenchDatabase> {
  const serverVersion = await withClient(serverUrl, async (client) => {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  });
  const name = `sms_bench_${randomBytes(5).toString('hex')}`;
  try {
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  } catch (error) {
    warn(`could not create a throwaway database (${(error as Error).message}); using DATABASE_URL as it is`);
    return { url: serverUrl, throwaway: false, serverVersion, drop: async () => undefined };
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    throwaway: true,
    serverVersion,
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
