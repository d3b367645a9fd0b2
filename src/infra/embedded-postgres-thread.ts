// The embedded PGlite server's thread (started by embedded-postgres.ts): Postgres in WASM and
// the wire-protocol socket server run here, so their CPU is not taken from the event loop that
// runs the API and the Temporal worker. Commands from the main thread: `stop`. Messages to it:
// `ready`, `failed`, `notification` (NOTIFYs on the channels it was asked to LISTEN to),
// `stopped`.
import { mkdir } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createNotificationTap } from './notification-tap.ts';

export interface EmbeddedPostgresThreadData {
  dataDir: string;
  host: string;
  port: number;
  /** Channels to LISTEN to before any client connects. */
  listenChannels: string[];
}

export type EmbeddedPostgresThreadMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'notification'; channel: string; payload: string }
  | { type: 'stopped' };

const port = parentPort!;
const options = workerData as EmbeddedPostgresThreadData;
const post = (message: EmbeddedPostgresThreadMessage) => port.postMessage(message);

async function start(): Promise<{ db: PGlite; server: PGLiteSocketServer }> {
  await mkdir(options.dataDir, { recursive: true });
  // Extensions the migrations create must be bundled here: PGlite loads only what it is given.
  const db = await PGlite.create(options.dataDir, { extensions: { pg_trgm } });
  // PGlite is one session shared by every connection, so a NOTIFY comes back only in the output
  // of the query whose commit sent it, to that query's client. LISTEN on the session here
  // (before any client, so in no client's transaction) and read those messages in the output
  // stream the socket server forwards; PGlite's own listeners see only queries it parses.
  for (const channel of options.listenChannels) await db.exec(`LISTEN "${channel.replaceAll('"', '""')}"`);
  if (options.listenChannels.length > 0) {
    const execProtocolRawStream = db.execProtocolRawStream.bind(db);
    db.execProtocolRawStream = (message, streamOptions) => {
      const tap = createNotificationTap(({ channel, payload }) => post({ type: 'notification', channel, payload }));
      return execProtocolRawStream(message, {
        ...streamOptions,
        onRawData: (chunk) => {
          tap(chunk);
          streamOptions.onRawData(chunk);
        },
      });
    };
  }
  // Clients keep one connection each and the server queues their queries.
  const server = new PGLiteSocketServer({ db, host: options.host, port: options.port, maxConnections: 8 });
  await server.start();
  return { db, server };
}

try {
  const { db, server } = await start();
  port.on('message', (command: { type: 'stop' }) => {
    if (command.type !== 'stop') return;
    void (async () => {
      await server.stop();
      await db.close();
      post({ type: 'stopped' });
      port.close();
    })();
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  port.close();
}
