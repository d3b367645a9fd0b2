// One Server-Sent Events response on a Koa context: a PassThrough stream as the body, a socket
// that never times out, a heartbeat comment, and one cleanup path however the stream ends
// (client gone, server closing its connections, hub closing, client too slow to keep up).
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from '../../infra/logger.ts';
import { formatComment, formatRetry } from './sse-format.ts';

export interface SseConnectionOptions {
  heartbeatMs: number;
  /** Sent once as `retry:`, the reconnection delay a browser's EventSource uses. */
  retryMs: number;
  /** A client this far behind is cut off; it reconnects with Last-Event-ID and replays. */
  maxBufferedBytes: number;
  log: Logger;
}

export interface SseConnection {
  readonly closed: boolean;
  /** Queues a frame (see sse-format.ts); frames sent before start() go out first. */
  send(frame: string): void;
  /** Runs `cleanup` once the stream is over (at once if it already is). */
  onClose(cleanup: () => void): void;
  /** Sends the headers and makes the stream the response body. */
  start(): void;
  /** Ends the response. */
  close(): void;
}

export function createSseConnection(ctx: Context, options: SseConnectionOptions): SseConnection {
  const stream = new PassThrough();
  const cleanups: Array<() => void> = [];
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;

  function finish(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const cleanup of cleanups.splice(0)) {
      try {
        cleanup();
      } catch (error) {
        options.log.error({ err: error }, 'live events: cleanup of an event stream failed');
      }
    }
  }

  // 'close' on the response covers a client that went away and a server that destroyed the
  // socket on shutdown (the request's own 'close' fires as soon as its body was read).
  ctx.res.once('close', finish);
  stream.once('close', finish);

  // A client that goes away mid-stream is how every event stream ends, not an error: Koa's
  // pipeline reports it as "Premature close", which its default handler would print to stderr.
  const reportError = ctx.onerror.bind(ctx);
  ctx.onerror = (error) => {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    reportError(error);
  };

  const connection: SseConnection = {
    get closed() {
      return closed;
    },
    send(frame) {
      if (closed) return;
      stream.write(frame);
      if (stream.writableLength > options.maxBufferedBytes) {
        options.log.warn({ buffered: stream.writableLength }, 'live events: client is not reading its event stream; disconnecting it');
        finish();
        stream.destroy();
      }
    },
    onClose(cleanup) {
      if (closed) cleanup();
      else cleanups.push(cleanup);
    },
    start() {
      if (closed) return;
      const socket = ctx.req.socket;
      socket.setTimeout(0);
      socket.setNoDelay(true);
      socket.setKeepAlive(true);
      ctx.status = 200;
      ctx.set('Content-Type', 'text/event-stream');
      ctx.set('Cache-Control', 'no-cache');
      // nginx (and proxies that honour it) would otherwise buffer the stream.
      ctx.set('X-Accel-Buffering', 'no');
      ctx.body = stream;
      heartbeat = setInterval(() => connection.send(formatComment('heartbeat')), options.heartbeatMs);
      heartbeat.unref();
    },
    close() {
      if (closed) return;
      finish();
      stream.end();
    },
  };
  // Goes out with the headers, so the client knows at once that the stream is open.
  stream.write(formatRetry(options.retryMs) + formatComment('connected'));
  return connection;
}
