// `npm start`: the whole system in one process tree. Anything not configured is embedded:
// PGlite for PostgreSQL (data in DATA_DIR), the Temporal dev server with its Web UI, and the
// Twilio emulator. With DATABASE_URL, TEMPORAL_ADDRESS and Twilio credentials set, the same
// code runs against real services.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApiServer } from './api/start-api.ts';
import { loadConfig, type TwilioConfig } from './config/config.ts';
import { conversationSettings, webhookUrls } from './config/derived.ts';
import { createDatabase } from './infra/database.ts';
import { startEmbeddedPostgres } from './infra/embedded-postgres.ts';
import { createLogger } from './infra/logger.ts';
import { applyMigrations } from './infra/migrations.ts';
import { ShutdownStack } from './infra/shutdown.ts';
import { startTemporalDevServer } from './infra/temporal-dev-server.ts';
import { createConversationWorker } from './temporal/create-worker.ts';
import { createTwilioEmulator } from './twilio-emulator/index.ts';
import { printBanner } from './startup-banner.ts';

const EMULATOR_PHONE_NUMBER = '+15005550006';

const config = loadConfig();
const log = createLogger(config.logLevel, 'sms');
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

try {
  await mkdir(config.dataDir, { recursive: true });
  const urls = webhookUrls(config);

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

  let twilio: TwilioConfig | undefined = config.twilio;
  let emulatorUrl: string | undefined;
  if (!twilio) {
    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    const authToken = randomBytes(16).toString('hex');
    const emulator = createTwilioEmulator({ accountSid, authToken, inboundWebhookUrl: urls.inbound, logger: log.child({ component: 'twilio-emulator' }) });
    emulatorUrl = await emulator.listen(config.emulatorPort, '127.0.0.1');
    shutdown.add('Twilio emulator', () => emulator.close());
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
    statusCallbackUrl: urls.status,
    settings: conversationSettings(config),
    log,
  });
  const workerRun = worker.run();
  shutdown.add('worker', async () => {
    worker.shutdown();
    await workerRun;
  });
  workerRun.catch((error) => {
    log.fatal({ err: error }, 'worker stopped unexpectedly');
    void shutdown.stopAll().then(() => process.exit(1));
  });

  const connection = await Connection.connect({ address: temporalAddress });
  shutdown.add('client connection', () => connection.close());
  const api = await startApiServer({
    temporalClient: new Client({ connection, namespace: config.temporal.namespace }),
    taskQueue: config.temporal.taskQueue,
    twilioAuthToken: twilio.authToken,
    publicBaseUrl: config.api.baseUrl,
    webhookBodyLimit: config.api.webhookBodyLimit,
    host: config.api.host,
    port: config.api.port,
    log,
  });
  shutdown.add('API server', () => api.close());

  printBanner({
    apiUrl: config.api.baseUrl,
    temporalUiUrl,
    temporalAddress,
    webhooks: urls,
    emulatorUrl,
    businessNumber: twilio.phoneNumber,
    databaseEmbedded: !config.database.url,
    dataDir: path.resolve(config.dataDir),
  });
} catch (error) {
  log.fatal({ err: error }, 'start-up failed');
  await shutdown.stopAll();
  process.exit(1);
}
