import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = PrismaClient;

export interface DatabaseOptions {
  /** Connections in the pool. The embedded PGlite server serves one session, so it uses 1. */
  poolMax?: number;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolMax ?? 10 });
  return new PrismaClient({ adapter });
}
