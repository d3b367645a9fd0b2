// `npm run worker`: the conversation worker as its own process, against real services
// (DATABASE_URL, TEMPORAL_ADDRESS, Twilio credentials). Scale by running more of them.
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from './config/config.ts';
import { conversationSettings, webhookUrls } from './config/derived.ts';
import { createDatabase } from './infra/database.ts';
import { createLogger } from './infra/logger.ts';
import { applyMigrations } from './infra/migrations.ts';
import { ShutdownStack } from './infra/shutdown.ts';
import { installTemporalRuntime } from './infra/temporal-runtime.ts';
import { required } from './runtime/require.ts';
import { createConversationWorker } from './temporal/create-worker.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'worker');
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

installTemporalRuntime(log, config.logLevel);

try {
  const databaseUrl = required(config.database.url, 'DATABASE_URL', 'the worker on its own');
  const address = required(config.temporal.address, 'TEMPORAL_ADDRESS', 'the worker on its own');
  const twilio = required(config.twilio, 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN', 'the worker on its own');
  await applyMigrations(databaseUrl, log);
  const db = createDatabase(databaseUrl);
  shutdown.add('database client', () => db.$disconnect());
  const connection = await NativeConnection.connect({ address });
  shutdown.add('worker connection', () => connection.close());
  const worker = await createConversationWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    db,
    twilio,
    statusCallbackUrl: webhookUrls(config).status,
    settings: conversationSettings(config),
    log,
  });
  const running = worker.run();
  shutdown.add('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
  });
  log.info({ taskQueue: config.temporal.taskQueue, address }, 'worker running');
  await running;
} catch (error) {
  log.fatal({ err: error }, 'worker failed');
  await shutdown.stopAll();
  process.exit(1);
}
