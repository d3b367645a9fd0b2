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
   * Name statements so each connection prepares them once (statement-names.ts). Default true;
   * false for a pooler that cannot keep prepared statements (PgBouncer in transaction mode
   * before 1.21): DATABASE_PREPARED_STATEMENTS=false.
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
      ...(options.preparedStatements === false ? {} : { statementNameGenerator: statementNamer() as (query: { sql: string }) => string }),
    },
  );
  return new PrismaClient({ adapter });
}
