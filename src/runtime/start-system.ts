// Starts every part of the system in this process tree, embedding whatever is not configured:
// PGlite for PostgreSQL (data in DATA_DIR), the Temporal dev server with its Web UI, and the
// Twilio emulator. Used by `npm start` and by the benchmark.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { startApiServer } from '../api/start-api.ts';
import type { Config, TwilioConfig } from '../config/config.ts';
import { conversationSettings, webhookUrls } from '../config/derived.ts';
import { createDatabase, type Database } from '../infra/database.ts';
import type { DatabaseNotifications } from '../infra/database-notifications.ts';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.ts';
import type { Logger } from '../infra/logger.ts';
import { LIVE_EVENTS_CHANNEL } from '../shared/live-events.ts';
import { lazyTemporalClient, migrateWhenAvailable } from '../infra/service-connections.ts';
import { ShutdownStack } from '../infra/shutdown.ts';
import { temporalConnectionOptions } from '../infra/temporal-connection-options.ts';
import { startTemporalDevServer } from '../infra/temporal-dev-server.ts';
import { installTemporalRuntime, sdkMetricsBindAddress } from '../infra/temporal-runtime.ts';
import { createMetricsRegistry } from '../metrics/registry.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../twilio-emulator/index.ts';
import { bundleConversationWorkflows, superviseConversationWorker } from './worker-supervisor.ts';
import { WorkerStatus, workerPollingCheck } from './worker-status.ts';

/** Twilio's magic test number, used as the business number when the emulator stands in. */
export const EMULATOR_PHONE_NUMBER = '+15005550006';

export interface RunningSystem {
  config: Config;
  webhooks: { inbound: string; status: string };
  databaseUrl: string;
  databaseEmbedded: boolean;
  db: Database;
  temporalAddress: string;
  temporalUiUrl?: string;
  temporalClient: Client;
  twilio: TwilioConfig;
  /** Present when no Twilio credentials were configured. */
  emulator?: TwilioEmulator;
  emulatorUrl?: string;
  /** Stops everything in reverse order; safe to call more than once. */
  stop(): Promise<void>;
  /**
   * Settles when the worker is gone for good: resolves after stop(), rejects on what no restart
   * fixes (a broken workflow bundle). Losing Temporal for a while is not that: the worker waits
   * for it and comes back (worker-supervisor.ts).
   */
  workerStopped: Promise<void>;
}

export async function startSystem(config: Config, log: Logger, shutdown = new ShutdownStack(log)): Promise<RunningSystem> {
  // The SDK's exporter gets its own port (TEMPORAL_SDK_METRICS_PORT); everything else is on the
  // API's /metrics: one process, one registry, so the worker's port (WORKER_METRICS_PORT) is
  // not opened here and cannot clash with anything.
  installTemporalRuntime(log, config.logLevel, {
    metricsBindAddress: sdkMetricsBindAddress(config.worker.metricsHost, config.worker.sdkMetricsPort),
  });
  const metrics = createMetricsRegistry();
  const workerStatus = new WorkerStatus();
  try {
    await mkdir(config.dataDir, { recursive: true });
    const webhooks = webhookUrls(config);

    let databaseUrl = config.database.url;
    let databaseNotifications: DatabaseNotifications | undefined;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.database.embeddedPort,
        listenChannels: [LIVE_EVENTS_CHANNEL],
        log,
      });
      shutdown.add('embedded PostgreSQL', () => embedded.stop());
      databaseUrl = embedded.url;
      databaseNotifications = embedded.notifications;
    }
    // A configured DATABASE_URL may not be up yet: wait for it (the embedded one is up already).
    await migrateWhenAvailable(databaseUrl, { log, signal: shutdown.signal });
    // PGlite serves one session: keep one connection.
    const db = createDatabase(databaseUrl, {
      poolMax: config.database.url ? 10 : 1,
      log,
      // Not on the embedded server: its one session is shared by every connection (database.ts).
      preparedStatements: config.database.url !== undefined && config.database.preparedStatements,
    });
    shutdown.add('database client', () => db.$disconnect());

    let temporalAddress = config.temporal.address;
    let temporalUiUrl = config.temporal.uiUrl;
    if (!temporalAddress) {
      const server = await startTemporalDevServer(
        {
          cliPath: config.temporal.cliPath,
          namespace: config.temporal.namespace,
          dbFilename: path.resolve(config.dataDir, 'temporal.sqlite'),
          port: config.temporal.port,
          uiPort: config.temporal.uiPort,
        },
        log,
      );
      shutdown.add('Temporal dev server', () => server.stop());
      temporalAddress = server.address;
      temporalUiUrl ??= server.uiUrl;
    }

    // The embedded dev server speaks plain gRPC; config.ts refuses TLS settings without an address.
    const temporalConnection = temporalConnectionOptions(temporalAddress, config.temporal);

    let twilio = config.twilio;
    let emulator: TwilioEmulator | undefined;
    let emulatorUrl: string | undefined;
    if (!twilio) {
      const accountSid = `AC${randomBytes(16).toString('hex')}`;
      const authToken = randomBytes(16).toString('hex');
      emulator = createTwilioEmulator({
        accountSid,
        authToken,
        inboundWebhookUrl: webhooks.inbound,
        phoneNumbers: [EMULATOR_PHONE_NUMBER],
        logger: log.child({ component: 'twilio-emulator' }),
      });
      emulatorUrl = await emulator.listen(config.emulatorPort, '127.0.0.1');
      const running = emulator;
      shutdown.add('Twilio emulator', () => running.close());
      twilio = { accountSid, authToken, phoneNumber: EMULATOR_PHONE_NUMBER, apiBaseUrl: emulatorUrl };
    }

    // Built once here, so a broken bundle fails the start-up as before; the supervisor then
    // keeps the worker running through a lost Temporal (a configured TEMPORAL_ADDRESS may also
    // not be up yet: it waits for it).
    const workflowBundle = await bundleConversationWorkflows();
    let workerRunning!: () => void;
    const firstRun = new Promise<void>((resolve) => (workerRunning = resolve));
    const workerStopped = superviseConversationWorker({
      temporal: temporalConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      db,
      twilio,
      statusCallbackUrl: webhooks.status,
      settings: conversationSettings(config),
      log,
      workflowBundle,
      signal: shutdown.signal,
      onRunning: () => workerRunning(),
      metrics,
      status: workerStatus,
      shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    deliveryReconciliation: config.deliveryReconciliation,
    });
    shutdown.add('worker', () => workerStopped.catch(() => undefined));
    await Promise.race([firstRun, workerStopped]);

    const temporal = lazyTemporalClient(temporalConnection, config.temporal.namespace);
    shutdown.add('client connection', () => temporal.close());
    const temporalClient = temporal.client;
    const api = await startApiServer({
      db,
      databaseUrl,
      databaseNotifications,
      temporalClient,
      taskQueue: config.temporal.taskQueue,
      twilio,
      twilioEmulated: emulator !== undefined,
      publicBaseUrl: config.api.baseUrl,
      sessionTtlHours: config.api.sessionTtlHours,
      webhookBodyLimit: config.api.webhookBodyLimit,
      host: config.api.host,
      port: config.api.port,
      log,
      metrics,
      readinessChecks: [workerPollingCheck(workerStatus)],
    });
    shutdown.add('API server', () => api.close());

    return {
      config,
      webhooks,
      databaseUrl,
      databaseEmbedded: !config.database.url,
      db,
      temporalAddress,
      temporalUiUrl,
      temporalClient,
      twilio,
      emulator,
      emulatorUrl,
      stop: () => shutdown.stopAll(),
      workerStopped,
    };
  } catch (error) {
    await shutdown.stopAll();
    throw error;
  }
}
