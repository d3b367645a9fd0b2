// How the processes reach PostgreSQL and Temporal, which may not be up yet when they start (a
// deploy that starts everything at once, a database failover): they wait, with backoff and a
// warn line per attempt (wait-for-service.ts), instead of exiting.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Logger } from './logger.ts';
import { applyMigrations, MigrationError } from './migrations.ts';
import { describeTemporalConnection, type TemporalConnectionOptions } from './temporal-connection-options.ts';
import { describeDatabaseUrl, retryUntilAvailable, type BackoffOptions } from './wait-for-service.ts';

export interface WaitOptions extends BackoffOptions {
  log: Logger;
  signal?: AbortSignal;
}

// SQLSTATEs no amount of waiting fixes: wrong password or role, no permission to connect.
// Everything else (connection refused, DNS, "the database system is starting up", a database
// that does not exist yet, too many connections) is worth waiting for.
const PERMANENT_SQLSTATES = new Set(['28P01', '28000', '42501']);

/** A failed migration, or credentials PostgreSQL refuses: stop and tell a human. */
export function isPermanentDatabaseError(error: unknown): boolean {
  if (error instanceof MigrationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PERMANENT_SQLSTATES.has(code);
}

/** Applies pending migrations once PostgreSQL answers; returns the names applied. */
export function migrateWhenAvailable(databaseUrl: string, options: WaitOptions): Promise<string[]> {
  return retryUntilAvailable('PostgreSQL', () => applyMigrations(databaseUrl, options.log), {
    ...options,
    isPermanent: isPermanentDatabaseError,
    context: { database: describeDatabaseUrl(databaseUrl) },
  });
}

/** The worker's native connection, once the Temporal frontend answers. */
export function connectWorkerToTemporal(temporal: TemporalConnectionOptions, options: WaitOptions): Promise<NativeConnection> {
  return retryUntilAvailable('Temporal', () => NativeConnection.connect(temporal), {
    ...options,
    // A malformed address or TLS setting is a configuration error, not an outage.
    isPermanent: (error) => error instanceof TypeError,
    context: describeTemporalConnection(temporal),
  });
}

const TEMPORAL_RECONNECT_MAX_BACKOFF_MS = 5_000;

/**
 * A client whose connection is opened on first use (Connection.lazy): the API starts while
 * Temporal is down and each call then fails as it would on a dropped connection (gRPC
 * UNAVAILABLE, or the call's deadline), which the webhooks and agent routes already answer
 * with 503 temporal_unavailable. The gRPC channel reconnects by itself when Temporal is back.
 */
export function lazyTemporalClient(temporal: TemporalConnectionOptions, namespace: string): { client: Client; close(): Promise<void> } {
  const connection = Connection.lazy({
    ...temporal,
    // gRPC's reconnect backoff grows to 2 minutes by default: after a long outage the API would
    // go on answering 503 for that long once Temporal is back. 5 s is cheap for one channel.
    channelArgs: { 'grpc.max_reconnect_backoff_ms': TEMPORAL_RECONNECT_MAX_BACKOFF_MS },
  });
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}
