// One dedicated PostgreSQL connection that LISTENs on a channel and stays connected: when the
// connection drops (server restart, failover, an idle connection killed by a proxy) it is
// logged and re-opened with backoff, never thrown. Notifications sent while it is down are
// lost, so `onConnected` runs after every (re)connect for the caller to catch up by reading.
import pg from 'pg';
import type { Logger } from '../../infra/logger.ts';

export interface NotificationListenerOptions {
  connectionString: string;
  channel: string;
  log: Logger;
  onNotification(payload: string | undefined): void;
  onConnected(): void;
  /** Shown in pg_stat_activity, so operators can tell this connection apart. */
  applicationName?: string;
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** A silently dead TCP connection reports nothing: a query this often finds out. */
  healthCheckIntervalMs?: number;
}

export interface NotificationListener {
  /** Settles after the first attempt to connect, whether it worked or a retry is scheduled. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function startNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const initialDelay = options.reconnectInitialDelayMs ?? 250;
  const maxDelay = options.reconnectMaxDelayMs ?? 10_000;
  const healthCheckInterval = options.healthCheckIntervalMs ?? 30_000;
  const log = options.log;
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    // Exponential backoff with jitter, so replicas that lost the database together do not
    // all come back in the same instant.
    const base = Math.min(maxDelay, initialDelay * 2 ** Math.min(failures, 16));
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    failures += 1;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connecting = connect();
    }, delay);
    reconnectTimer.unref();
  }

  function drop(lost: pg.Client, reason: unknown): void {
    if (client !== lost) return;
    client = null;
    lost.end().catch(() => undefined);
    if (closed) return;
    log.warn({ err: reason, channel: options.channel }, 'live events: listener connection lost; reconnecting');
    scheduleReconnect();
  }

  async function connect(): Promise<void> {
    const candidate = new pg.Client({
      connectionString: options.connectionString,
      application_name: options.applicationName ?? 'sms-live-events',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      query_timeout: 10_000,
    });
    // Without a handler an 'error' on an idle client would crash the process.
    candidate.on('error', (error) => drop(candidate, error));
    candidate.on('end', () => drop(candidate, new Error('connection ended')));
    candidate.on('notification', (message) => {
      if (message.channel === options.channel) options.onNotification(message.payload);
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${candidate.escapeIdentifier(options.channel)}`);
    } catch (error) {
      candidate.end().catch(() => undefined);
      if (closed) return;
      log.warn({ err: error, channel: options.channel, failures }, 'live events: could not LISTEN; retrying');
      scheduleReconnect();
      return;
    }
    if (closed) {
      await candidate.end().catch(() => undefined);
      return;
    }
    client = candidate;
    if (failures > 0) log.info({ channel: options.channel }, 'live events: listener reconnected');
    failures = 0;
    options.onConnected();
  }

  const healthCheck = setInterval(() => {
    const current = client;
    if (!current) return;
    current.query('SELECT 1').catch((error: unknown) => drop(current, error));
  }, healthCheckInterval);
  healthCheck.unref();

  connecting = connect();

  return {
    ready: connecting,
    async close() {
      closed = true;
      clearInterval(healthCheck);
      clearTimeout(reconnectTimer);
      await connecting;
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
