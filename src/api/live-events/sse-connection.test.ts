// One SSE response on a real Koa server: headers, heartbeat, and that every way a stream can
// end (client gone, client too slow, server shutting down) runs the cleanup once, quietly.
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSse } from '../../../test/support/sse-client.ts';
import { waitFor } from '../../../test/support/wait-for.ts';
import { createLogger } from '../../infra/logger.ts';
import { createSseConnection, type SseConnection } from './sse-connection.ts';

interface Harness {
  url: string;
  server: Server;
  connections: SseConnection[];
  cleanups: number;
}

const servers: Server[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startHarness(options: { heartbeatMs?: number; maxBufferedBytes?: number } = {}): Promise<Harness> {
  const harness: Harness = { url: '', server: undefined as unknown as Server, connections: [], cleanups: 0 };
  const app = new Koa();
  app.use(async (ctx) => {
    const connection = createSseConnection(ctx, {
      heartbeatMs: options.heartbeatMs ?? 60_000,
      retryMs: 1500,
      maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
      log: createLogger('silent'),
    });
    connection.onClose(() => {
      harness.cleanups += 1;
    });
    harness.connections.push(connection);
    connection.send('id: 1\nevent: hello\ndata: {}\n\n');
    connection.start();
  });
  harness.server = createServer(app.callback());
  servers.push(harness.server);
  await new Promise<void>((resolve) => harness.server.listen(0, '127.0.0.1', resolve));
  harness.url = `http://127.0.0.1:${(harness.server.address() as AddressInfo).port}/`;
  return harness;
}

describe('an SSE connection', () => {
  it('answers with event-stream headers, the queued frames, and a heartbeat comment', async () => {
    const harness = await startHarness({ heartbeatMs: 30 });
    const client = await openSse(harness.url);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toBe('text/event-stream');
    expect(client.headers.get('cache-control')).toBe('no-cache');
    expect(client.headers.get('x-accel-buffering')).toBe('no');
    await client.waitForEvent((event) => event.event === 'hello', 1_000);
    expect(client.parser.retry).toBe(1500);
    await waitFor('two heartbeats', () => client.parser.comments.filter((comment) => comment === 'heartbeat').length >= 2, 2_000, 10);
    client.close();
  });

  it('cleans up once, without an error on stderr, when the client goes away', async () => {
    const stderr = vi.spyOn(console, 'error');
    const harness = await startHarness({ heartbeatMs: 20 });
    const client = await openSse(harness.url);
    await client.waitForEvent((event) => event.event === 'hello', 1_000);
    client.close();
    await waitFor('the cleanup', () => harness.cleanups === 1, 2_000, 10);
    expect(harness.connections[0]?.closed).toBe(true);
    // Koa's pipeline reports the close right after our cleanup: let it run before looking.
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(harness.cleanups).toBe(1);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('ends when the server closes all its connections on shutdown', async () => {
    const harness = await startHarness();
    const client = await openSse(harness.url);
    await client.waitForEvent((event) => event.event === 'hello', 1_000);
    harness.server.closeAllConnections();
    await client.waitForEnd(2_000);
    await waitFor('the cleanup', () => harness.cleanups === 1, 2_000, 10);
  });

  it('ends the stream from the server side with close()', async () => {
    const harness = await startHarness();
    const client = await openSse(harness.url);
    await client.waitForEvent((event) => event.event === 'hello', 1_000);
    harness.connections[0]!.close();
    await client.waitForEnd(2_000);
    expect(harness.cleanups).toBe(1);
  });

  it('cuts off a client that stops reading once too much is buffered for it', async () => {
    const harness = await startHarness({ maxBufferedBytes: 256 * 1024 });
    const { port } = harness.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause();
    await waitFor('the connection', () => harness.connections.length === 1, 2_000, 10);
    const connection = harness.connections[0]!;
    const frame = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    for (let sent = 0; !connection.closed && sent < 4096; sent += 1) {
      connection.send(frame);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connection.closed).toBe(true);
    expect(harness.cleanups).toBe(1);
    socket.destroy();
  });
});
