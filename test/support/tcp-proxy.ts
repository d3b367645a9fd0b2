// A TCP proxy on a fixed loopback port in front of a real server, which a test can take away
// and bring back: while it is stopped nothing listens on the port (connections are refused,
// exactly as when PostgreSQL is down) and every connection through it has been cut. Lets a test
// take "PostgreSQL" away from a process without stopping the PostgreSQL server other test files
// share.
import net from 'node:net';
import { freePort } from './free-port.ts';

export interface TcpProxy {
  /** The port clients connect to; the same across stop() and start(). */
  port: number;
  listening: boolean;
  start(): Promise<void>;
  /** Stops listening and cuts every open connection. */
  stop(): Promise<void>;
}

export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  return {
    port,
    get listening() {
      return server !== undefined;
    },
    async start() {
      if (server) return;
      const created = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        track(client);
        track(upstream);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(port, '127.0.0.1', () => resolve());
      });
      server = created;
    },
    async stop() {
      const current = server;
      server = undefined;
      if (!current) return;
      const closed = new Promise<void>((resolve) => current.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
