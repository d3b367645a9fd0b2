// `npm run api`: the HTTP API as its own process, against real services (TEMPORAL_ADDRESS and
// DATABASE_URL, and the Twilio credentials). Scale by running more of them behind a balancer.
// It waits for PostgreSQL before listening (migrations, the live-event hub need it); Temporal
// is reached through a lazy connection, so while Temporal is down the API still runs and the
// calls that need it answer 503 temporal_unavailable.
import { loadConfig } from '../config/config.ts';
import { webhookUrls } from '../config/derived.ts';
import { createDatabase } from '../infra/database.ts';
import { createLogger } from '../infra/logger.ts';
import { lazyTemporalClient, migrateWhenAvailable } from '../infra/service-connections.ts';
import { ShutdownStack } from '../infra/shutdown.ts';
import { describeTemporalConnection, temporalConnectionOptions } from '../infra/temporal-connection-options.ts';
import { describeDatabaseUrl, retryUntilAvailable } from '../infra/wait-for-service.ts';
import { required } from '../runtime/require.ts';
import { startApiServer } from './start-api.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'api', config.logFormat);
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

try {
  const databaseUrl = required(config.database.url, 'DATABASE_URL', 'the API on its own');
  const address = required(config.temporal.address, 'TEMPORAL_ADDRESS', 'the API on its own');
  const twilio = required(config.twilio, 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN', 'the API on its own');
  const temporalConnection = temporalConnectionOptions(address, config.temporal);
  await migrateWhenAvailable(databaseUrl, { log, signal: shutdown.signal });
  const db = createDatabase(databaseUrl, { log, preparedStatements: config.database.preparedStatements });
  shutdown.add('database client', () => db.$disconnect());
  const temporal = lazyTemporalClient(temporalConnection, config.temporal.namespace);
  shutdown.add('client connection', () => temporal.close());
  // The live-event hub reads the database as it starts; should PostgreSQL have gone again since
  // the migrations, wait once more. A port we cannot listen on is a configuration error.
  const api = await retryUntilAvailable(
    'PostgreSQL',
    () =>
      startApiServer({
        db,
        databaseUrl,
        temporalClient: temporal.client,
        taskQueue: config.temporal.taskQueue,
        twilio,
        twilioEmulated: false,
        publicBaseUrl: config.api.baseUrl,
        sessionTtlHours: config.api.sessionTtlHours,
        webhookBodyLimit: config.api.webhookBodyLimit,
        host: config.api.host,
        port: config.api.port,
        log,
      }),
    {
      log,
      signal: shutdown.signal,
      isPermanent: (error) => (error as { syscall?: unknown }).syscall === 'listen',
      context: { database: describeDatabaseUrl(databaseUrl) },
    },
  );
  shutdown.add('API server', () => api.close());
  log.info({ listen: api.listenUrl, webhooks: webhookUrls(config), temporal: describeTemporalConnection(temporalConnection) }, 'API listening');
} catch (error) {
  // Aborted waits end here too when a signal stops the process: that is no failure.
  if (!shutdown.stopRequested) {
    log.fatal({ err: error }, 'API failed to start');
    await shutdown.stopAll();
    process.exit(1);
  }
}
