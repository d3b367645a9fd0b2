// Starts the HTTP API on a port and returns how to reach and stop it.
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Client } from '@temporalio/client';
import type { TwilioConfig } from '../config/config.ts';
import type { Database } from '../infra/database.ts';
import type { DatabaseNotifications } from '../infra/database-notifications.ts';
import type { Logger } from '../infra/logger.ts';
import { apiMetrics } from '../metrics/api-metrics.ts';
import { createMetricsRegistry, type Registry } from '../metrics/registry.ts';
import { createReadiness, CHECK_TIMEOUT_MS, type ReadinessCheck } from '../ops/readiness.ts';
import { databaseCheck, migrationsCheck, temporalCheck } from '../ops/readiness-checks.ts';
import { createConversationGateway } from '../temporal/conversation-client.ts';
import { createConversationCommands } from '../temporal/conversation-commands.ts';
import { createApp } from './app.ts';
import { createLiveEventHub } from './live-events/create-live-event-hub.ts';
import type { MediaFetchLimits } from './media/fetch-media.ts';

export interface ApiServerOptions {
  db: Database;
  databaseUrl: string;
  /** The embedded database's NOTIFYs, when it runs in this process (live events hear them). */
  databaseNotifications?: DatabaseNotifications;
  temporalClient: Client;
  taskQueue: string;
  twilio: TwilioConfig;
  /** True when the built-in emulator stands in for Twilio. */
  twilioEmulated: boolean;
  publicBaseUrl: string;
  /** How long a console sign-in lasts (SESSION_TTL_HOURS); default 12. */
  sessionTtlHours?: number;
  /** Limits of media fetches (default: 10 s, 5 MB, 3 redirects). */
  mediaLimits?: Partial<MediaFetchLimits>;
  /** How often an open live-event stream re-checks its credential, in ms (default 30 s). */
  liveStreamRecheckMs?: number;
  webhookBodyLimit: string;
  host: string;
  port: number;
  log: Logger;
  /** The process's metrics registry (shared with the worker in `npm start`); default: a new one. */
  metrics?: Registry;
  /** Further /readyz checks, e.g. the worker's when it runs in this process. */
  readinessChecks?: ReadinessCheck[];
}

export interface RunningApi {
  /** Where this process listens (the public URL may differ behind a proxy). */
  listenUrl: string;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApi> {
  const metrics = options.metrics ?? createMetricsRegistry();
  const liveEvents = await createLiveEventHub({
    databaseUrl: options.databaseUrl,
    db: options.db,
    notifications: options.databaseNotifications,
    log: options.log,
    metrics: apiMetrics(metrics),
  });
  const temporal = options.temporalClient.connection;
  const readiness = createReadiness(
    [
      databaseCheck(options.db),
      migrationsCheck(options.db),
      temporalCheck(() => temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => temporal.workflowService.getSystemInfo({}))),
      ...(options.readinessChecks ?? []),
    ],
    options.log,
  );
  const app = createApp({
    metrics,
    readiness,
    db: options.db,
    gateway: createConversationGateway(options.temporalClient, options.taskQueue),
    commands: createConversationCommands(options.temporalClient, options.taskQueue),
    liveEvents,
    twilio: { config: options.twilio, emulated: options.twilioEmulated },
    publicBaseUrl: options.publicBaseUrl,
    sessionTtlHours: options.sessionTtlHours,
    mediaLimits: options.mediaLimits,
    liveStreamRecheckMs: options.liveStreamRecheckMs,
    webhookBodyLimit: options.webhookBodyLimit,
    log: options.log,
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    listenUrl: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await liveEvents.close();
    },
  };
}
