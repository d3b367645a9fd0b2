import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from './logger.ts';
import { statementNamer } from './statement-names.ts';
import { describeError } from './wait-for-service.ts';

export type Database = PrismaClient;

export interface DatabaseOptions {
  /** Connections in the pool. The embedded PGlite server serves one session, so it uses 1. */
  poolMax?: number;
  /**
   * Told when a pooled connection breaks (PostgreSQL restarted, a proxy cut it). Nothing to do
   * about it: pg drops that connection and the next query opens a new one; queries made while
   * the server is away fail (activities are retried by Temporal, API requests answer 5xx).
   */
  log?: Logger;
  /**
   * Name statements so each connection prepares them once (statement-names.ts): on for a real
   * PostgreSQL server unless DATABASE_PREPARED_STATEMENTS=false (a pooler that cannot keep
   * them, such as PgBouncer in transaction mode before 1.21). Default off: the embedded PGlite
   * server has one session that every connection shares — the app's, a CLI's, a reconnected
   * one's — so a statement one of them prepared "already exists" for the next.
   */
  preparedStatements?: boolean;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const log = options.log;
  const onLost = log
    ? (error: Error) => log.warn({ reason: describeError(error) }, 'a database connection was lost; the pool opens a new one on the next query')
    : undefined;
  const adapter = new PrismaPg(
    { connectionString: url, max: options.poolMax ?? 10 },
    {
      onPoolError: onLost,
      onConnectionError: onLost,
      // The adapter's type says string; undefined (past the namer's limit) sends it unnamed.
      ...(options.preparedStatements !== true ? {} : { statementNameGenerator: statementNamer() as (query: { sql: string }) => string }),
    },
  );
  return new PrismaClient({ adapter });
}
