// Starts every part of the system in this process tree, embedding whatever is not configured:
// PGlite for PostgreSQL (data in DATA_DIR), the Temporal dev server with its Web UI, and the
// Twilio emulator. Used by `npm start` and by the benchmark.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer } from '../api/start-api.ts';
import type { Config, TwilioConfig } from '../config/config.ts';
import { conversationSettings, webhookUrls } from '../config/derived.ts';
import { createDatabase, type Database } from '../infra/database.ts';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.ts';
import type { Logger } from '../infra/logger.ts';
import { applyMigrations } from '../infra/migrations.ts';
import { ShutdownStack } from '../infra/shutdown.ts';
import { startTemporalDevServer } from '../infra/temporal-dev-server.ts';
import { installTemporalRuntime } from '../infra/temporal-runtime.ts';
import { createConversationWorker } from '../temporal/create-worker.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../twilio-emulator/index.ts';

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
  /** Resolves when the worker stops on its own (a fatal error). */
  workerStopped: Promise<void>;
}

export async function startSystem(config: Config, log: Logger, shutdown = new ShutdownStack(log)): Promise<RunningSystem> {
  installTemporalRuntime(log, config.logLevel);
  try {
    await mkdir(config.dataDir, { recursive: true });
    const webhooks = webhookUrls(config);

    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.embeddedPort });
      shutdown.add('embedded PostgreSQL', () => embedded.stop());
      databaseUrl = embedded.url;
    }
    await applyMigrations(databaseUrl, log);
    // PGlite serves one session: keep one connection.
    const db = createDatabase(databaseUrl, { poolMax: config.database.url ? 10 : 1 });
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

    const workerConnection = await NativeConnection.connect({ address: temporalAddress });
    shutdown.add('worker connection', () => workerConnection.close());
    const worker = await createConversationWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      db,
      twilio,
      statusCallbackUrl: webhooks.status,
      settings: conversationSettings(config),
      log,
    });
    const workerRun = worker.run();
    shutdown.add('worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun.catch(() => undefined);
    });

    const connection = await Connection.connect({ address: temporalAddress });
    shutdown.add('client connection', () => connection.close());
    const temporalClient = new Client({ connection, namespace: config.temporal.namespace });
    const api = await startApiServer({
      db,
      databaseUrl,
      temporalClient,
      taskQueue: config.temporal.taskQueue,
      twilio,
      twilioEmulated: emulator !== undefined,
      publicBaseUrl: config.api.baseUrl,
      webhookBodyLimit: config.api.webhookBodyLimit,
      host: config.api.host,
      port: config.api.port,
      log,
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
      workerStopped: workerRun,
    };
  } catch (error) {
    await shutdown.stopAll();
    throw error;
  }
}
