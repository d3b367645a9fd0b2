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
import { temporalConnectionOptions } from './infra/temporal-connection-options.ts';
import { installTemporalRuntime, sdkMetricsBindAddress } from './infra/temporal-runtime.ts';
import { createMetricsRegistry } from './metrics/registry.ts';
import { startOpsServer } from './ops/ops-server.ts';
import { createReadiness } from './ops/readiness.ts';
import { databaseCheck, migrationsCheck } from './ops/readiness-checks.ts';
import { required } from './runtime/require.ts';
import { bundleConversationWorkflows, superviseConversationWorker } from './runtime/worker-supervisor.ts';
import { WorkerStatus, workerPollingCheck, workerTemporalCheck } from './runtime/worker-status.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'worker', config.logFormat);
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

try {
  // Inside the try: an SDK metrics port already in use ends the start with a fatal line.
  installTemporalRuntime(log, config.logLevel, {
    metricsBindAddress: sdkMetricsBindAddress(config.worker.metricsHost, config.worker.sdkMetricsPort),
  });
  const databaseUrl = required(config.database.url, 'DATABASE_URL', 'the worker on its own');
  const address = required(config.temporal.address, 'TEMPORAL_ADDRESS', 'the worker on its own');
  const twilio = required(config.twilio, 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN', 'the worker on its own');
  const temporal = temporalConnectionOptions(address, config.temporal);
  // The client connects on first use, so /readyz can ask it while PostgreSQL is not there yet.
  const db = createDatabase(databaseUrl, { log, preparedStatements: config.database.preparedStatements });
  shutdown.add('database client', () => db.$disconnect());
  const metrics = createMetricsRegistry();
  const status = new WorkerStatus();
  if (config.worker.metricsPort > 0) {
    const readiness = createReadiness([databaseCheck(db), migrationsCheck(db), workerTemporalCheck(status), workerPollingCheck(status)], log);
    const ops = await startOpsServer({ host: config.worker.metricsHost, port: config.worker.metricsPort, registry: metrics, readiness, log });
    // Stopped after the worker (the stack stops in reverse): /readyz says "draining" meanwhile.
    shutdown.add('metrics server', () => ops.close());
    log.info({ listen: ops.url }, 'worker metrics, /healthz and /readyz listening');
  }
  // The bundle builds while we wait for PostgreSQL, and a broken one fails at once.
  const [, workflowBundle] = await Promise.all([
    migrateWhenAvailable(databaseUrl, { log, signal: shutdown.signal }),
    bundleConversationWorkflows(),
  ]);
  const supervised = superviseConversationWorker({
    temporal,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    db,
    twilio,
    statusCallbackUrl: webhookUrls(config).status,
    settings: conversationSettings(config),
    log,
    workflowBundle,
    signal: shutdown.signal,
    metrics,
    status,
    shutdownGraceSeconds: config.worker.shutdownGraceSeconds,
    deliveryReconciliation: config.deliveryReconciliation,
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
