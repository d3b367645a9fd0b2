// The no-setup default database: PGlite (Postgres compiled to WASM) with its data in a local
// folder, served over the Postgres wire protocol so the application talks to it exactly as it
// talks to a real PostgreSQL server (DATABASE_URL), through @prisma/adapter-pg.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  host?: string;
}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const host = options.host ?? '127.0.0.1';
  // PGlite is a single session: every client shares it, so clients keep one connection each
  // and the server queues their queries.
  const server = new PGLiteSocketServer({ db, host, port: options.port, maxConnections: 8 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@${host}:${options.port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
