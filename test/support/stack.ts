// The whole pipeline for one test file, on real components: PostgreSQL (a fresh database),
// the shared Temporal dev server (a task queue of its own), the worker, the HTTP API on a
// real port, and the Twilio emulator at the Twilio boundary.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { startApiServer } from '../../src/api/start-api.ts';
import { createDatabase, type Database } from '../../src/infra/database.ts';
import { createLogger } from '../../src/infra/logger.ts';
import { installTemporalRuntime } from '../../src/infra/temporal-runtime.ts';
import { createMetricsRegistry, type Registry } from '../../src/metrics/registry.ts';
import type { ConversationSettings } from '../../src/shared/conversation-types.ts';
import { conversationWorkflowId } from '../../src/shared/workflow-id.ts';
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../../src/shared/webhook-paths.ts';
import { createConversationWorker } from '../../src/temporal/create-worker.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator/index.ts';
import { createTestDatabase } from './database.ts';
import { freePort } from './free-port.ts';

export const BUSINESS_NUMBER = '+15005550006';

export interface TestStack {
  baseUrl: string;
  inboundUrl: string;
  statusUrl: string;
  accountSid: string;
  authToken: string;
  db: Database;
  databaseUrl: string;
  emulator: TwilioEmulator;
  client: Client;
  taskQueue: string;
  /** The one registry the worker and the API count into, as in `npm start` (served at baseUrl/metrics). */
  metrics: Registry;
  workflowId(customerNumber: string, businessNumber?: string): string;
  stop(): Promise<void>;
}

/** A random customer number, so tests never share a conversation. */
export function newCustomerNumber(): string {
  return `+1555${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;
}

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export async function startTestStack(settings: Partial<ConversationSettings> = {}): Promise<TestStack> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'test');
  installTemporalRuntime(log, process.env.LOG_LEVEL ?? 'warn');
  const database = await createTestDatabase();
  const db = createDatabase(database.url, { poolMax: 4 });
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const metrics = createMetricsRegistry({ processMetrics: false });

  const emulator = createTwilioEmulator({
    accountSid,
    authToken,
    inboundWebhookUrl: baseUrl + INBOUND_WEBHOOK_PATH,
    statusCallbackDelayMs: 10,
    logger: log.child({ component: 'twilio-emulator' }),
  });
  const emulatorUrl = await emulator.listen(0, '127.0.0.1');

  const address = inject('temporalAddress');
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createConversationWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    twilio: { accountSid, authToken, phoneNumber: BUSINESS_NUMBER, apiBaseUrl: emulatorUrl },
    statusCallbackUrl: baseUrl + STATUS_WEBHOOK_PATH,
    settings: { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600, ...settings },
    log,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    metrics,
  });
  const workerRun = worker.run();

  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const api = await startApiServer({
    db,
    databaseUrl: database.url,
    temporalClient: client,
    taskQueue,
    twilio: { accountSid, authToken, phoneNumber: BUSINESS_NUMBER, apiBaseUrl: emulatorUrl },
    twilioEmulated: true,
    publicBaseUrl: baseUrl,
    webhookBodyLimit: '64kb',
    host: '127.0.0.1',
    port,
    log,
    metrics,
  });

  return {
    baseUrl,
    inboundUrl: baseUrl + INBOUND_WEBHOOK_PATH,
    statusUrl: baseUrl + STATUS_WEBHOOK_PATH,
    accountSid,
    authToken,
    db,
    databaseUrl: database.url,
    emulator,
    client,
    taskQueue,
    metrics,
    workflowId: (customerNumber, businessNumber = BUSINESS_NUMBER) => conversationWorkflowId(businessNumber, customerNumber),
    async stop() {
      // The emulator first, so no status callback is still on its way to a closed API.
      await emulator.close();
      await api.close();
      worker.shutdown();
      await workerRun;
      await connection.close();
      await nativeConnection.close();
      await db.$disconnect();
      await database.drop();
    },
  };
}
