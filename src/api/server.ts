// `npm run api`: the HTTP API as its own process, against real services (TEMPORAL_ADDRESS and
// DATABASE_URL, and the Twilio credentials). Scale by running more of them behind a balancer.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/config.ts';
import { webhookUrls } from '../config/derived.ts';
import { createDatabase } from '../infra/database.ts';
import { createLogger } from '../infra/logger.ts';
import { applyMigrations } from '../infra/migrations.ts';
import { ShutdownStack } from '../infra/shutdown.ts';
import { required } from '../runtime/require.ts';
import { startApiServer } from './start-api.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'api');
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

try {
  const databaseUrl = required(config.database.url, 'DATABASE_URL', 'the API on its own');
  const address = required(config.temporal.address, 'TEMPORAL_ADDRESS', 'the API on its own');
  const twilio = required(config.twilio, 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN', 'the API on its own');
  await applyMigrations(databaseUrl, log);
  const db = createDatabase(databaseUrl);
  shutdown.add('database client', () => db.$disconnect());
  const connection = await Connection.connect({ address });
  shutdown.add('client connection', () => connection.close());
  const api = await startApiServer({
    db,
    databaseUrl,
    temporalClient: new Client({ connection, namespace: config.temporal.namespace }),
    taskQueue: config.temporal.taskQueue,
    twilio,
    twilioEmulated: false,
    publicBaseUrl: config.api.baseUrl,
    webhookBodyLimit: config.api.webhookBodyLimit,
    host: config.api.host,
    port: config.api.port,
    log,
  });
  shutdown.add('API server', () => api.close());
  log.info({ listen: api.listenUrl, webhooks: webhookUrls(config) }, 'API listening');
} catch (error) {
  log.fatal({ err: error }, 'API failed to start');
  await shutdown.stopAll();
  process.exit(1);
}
