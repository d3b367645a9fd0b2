// `npm run worker`: the conversation worker as its own process, against real services
// (DATABASE_URL, TEMPORAL_ADDRESS, Twilio credentials). Scale by running more of them.
// PostgreSQL or Temporal not reachable — at start or later — is waited out, never a reason to
// exit (see runtime/worker-supervisor.ts); SIGINT/SIGTERM stop it at any point.
import { loadConfig } from './config/config.ts';
import { conversationSettings, webhookUrls } from './config/derived.ts';
import { createDatabase } from './infra/database.ts';
import { createLogger } from './infra/logger.ts';
import { migrateWhenAvailable } from './infra/service-connections.ts';
import { ShutdownStack } from './infra/shutdown.ts';
import { installTemporalRuntime } from './infra/temporal-runtime.ts';
import { required } from './runtime/require.ts';
import { bundleConversationWorkflows, superviseConversationWorker } from './runtime/worker-supervisor.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'worker');
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

installTemporalRuntime(log, config.logLevel);

try {
  const databaseUrl = required(config.database.url, 'DATABASE_URL', 'the worker on its own');
  const address = required(config.temporal.address, 'TEMPORAL_ADDRESS', 'the worker on its own');
  const twilio = required(config.twilio, 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN', 'the worker on its own');
  // The bundle builds while we wait for PostgreSQL, and a broken one fails at once.
  const [, workflowBundle] = await Promise.all([
    migrateWhenAvailable(databaseUrl, { log, signal: shutdown.signal }),
    bundleConversationWorkflows(),
  ]);
  const db = createDatabase(databaseUrl, { log });
  shutdown.add('database client', () => db.$disconnect());
  const supervised = superviseConversationWorker({
    address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    db,
    twilio,
    statusCallbackUrl: webhookUrls(config).status,
    settings: conversationSettings(config),
    log,
    workflowBundle,
    signal: shutdown.signal,
  });
  shutdown.add('worker', () => supervised.catch(() => undefined));
  await supervised;
} catch (error) {
  // Aborted waits end here too when a signal stops the process: that is no failure.
  if (!shutdown.stopRequested) {
    log.fatal({ err: error }, 'worker failed');
    await shutdown.stopAll();
    process.exit(1);
  }
}
