// The no-setup default database: PGlite (Postgres compiled to WASM) with its data in a local
// folder, served over the Postgres wire protocol so the application talks to it exactly as it
// talks to a real PostgreSQL server (DATABASE_URL), through @prisma/adapter-pg. It runs in a
// thread of its own (embedded-postgres-thread.ts): Postgres's work then competes with the API
// and the worker for CPU cores, not for one event loop.
import path from 'node:path';
import type { DatabaseNotifications } from './database-notifications.ts';
import type { EmbeddedPostgresThreadData, EmbeddedPostgresThreadMessage } from './embedded-postgres-thread.ts';
import type { Logger } from './logger.ts';
import { startTypeScriptThread } from './typescript-thread.ts';

export interface EmbeddedPostgres {
  url: string;
  /** NOTIFYs on the channels named at start, which PGlite passes to no other connection. */
  notifications: DatabaseNotifications;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  host?: string;
  /** Channels whose NOTIFYs `notifications` delivers. */
  listenChannels?: string[];
  /** Told when the thread ends without being asked to (queries then fail as on a lost server). */
  log?: Logger;
}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const data: EmbeddedPostgresThreadData = {
    dataDir: path.resolve(options.dataDir, 'postgres'),
    host,
    port: options.port,
    listenChannels: options.listenChannels ?? [],
  };
  const thread = startTypeScriptThread(new URL('./embedded-postgres-thread.ts', import.meta.url), data);
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let stopping = false;

  const started = new Promise<void>((resolve, reject) => {
    thread.on('message', (message: EmbeddedPostgresThreadMessage) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(`The embedded PostgreSQL server did not start: ${message.message}`));
      else if (message.type === 'notification') for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      reject(new Error(`The embedded PostgreSQL thread exited (code ${code}) before it was ready`));
      if (!stopping) options.log?.error({ code }, 'the embedded PostgreSQL thread stopped unexpectedly');
    });
  });
  try {
    await started;
  } catch (error) {
    await thread.terminate();
    throw error;
  }

  const stopped = new Promise<void>((resolve) => {
    thread.on('message', (message: EmbeddedPostgresThreadMessage) => message.type === 'stopped' && resolve());
    thread.once('exit', () => resolve());
  });
  return {
    url: `postgresql://postgres:postgres@${host}:${options.port}/postgres?sslmode=disable`,
    notifications: {
      listen(channel, onNotification) {
        if (!data.listenChannels.includes(channel)) throw new Error(`The embedded PostgreSQL server was not started to LISTEN on "${channel}"`);
        const forChannel = listeners.get(channel) ?? new Set();
        listeners.set(channel, forChannel);
        forChannel.add(onNotification);
        return () => forChannel.delete(onNotification);
      },
    },
    async stop() {
      if (stopping) return stopped;
      stopping = true;
      // The thread closes the socket server and PGlite (which flushes its data folder) first.
      thread.postMessage({ type: 'stop' });
      await stopped;
      await thread.terminate();
    },
  };
}
