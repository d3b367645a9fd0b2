// The real stack the console's browser tests drive: a fresh PostgreSQL database, a Temporal dev
// server, the API and the worker as processes (the real entry points, so the API can be
// SIGKILLed and started again on the same port) and the Twilio emulator at the Twilio boundary.
// Built from the same helpers as the topology and fault tests.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { toInboundSms } from '../../../src/api/webhooks/twilio-params.ts';
import { createDatabase, type Database } from '../../../src/infra/database.ts';
import { createLogger } from '../../../src/infra/logger.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../../src/infra/temporal-dev-server.ts';
import { INBOUND_WEBHOOK_PATH } from '../../../src/shared/webhook-paths.ts';
import { createConversationGateway } from '../../../src/temporal/conversation-client.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../../../src/twilio-emulator/index.ts';
import { createTestAgent } from '../../support/agents.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { freePort } from '../../support/free-port.ts';
import { requestJson } from '../../support/http.ts';
import { ManagedProcess } from '../../support/managed-process.ts';
import { serviceEnv } from '../../support/service-env.ts';
import { BUSINESS_NUMBER, newMessageSid } from '../../support/stack.ts';
import { processPollsTaskQueue } from '../../support/task-queue-pollers.ts';
import { waitFor } from '../../support/wait-for.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NAMESPACE = 'default';
/** The API and the worker start at once on 2 shared cores; the worker bundles the workflows first. */
const START_TIMEOUT_MS = 150_000;

export interface ConsoleAgent {
  id: string;
  name: string;
  email: string;
  password: string;
  role: 'agent' | 'admin';
}

export interface ConsoleStack {
  baseUrl: string;
  emulator: TwilioEmulator;
  db: Database;
  /** A bearer token of an admin the tests use to set things up through the API. */
  adminToken: string;
  /** Where the API and worker logs are (kept when a test failed). */
  dir: string;
  createAgent(name: string, role?: 'agent' | 'admin'): Promise<ConsoleAgent>;
  /** A customer texts in, as Twilio would: redelivered until the API answers 200. */
  text(from: string, body: string): Promise<void>;
  /**
   * A text handed to the conversation workflow the way the webhook does (signal-with-start),
   * without our API: for while the API is down (Twilio reaching another replica).
   */
  textPastTheApi(from: string, body: string): Promise<void>;
  /** SIGKILL the API process. */
  killApi(): Promise<void>;
  /** Start the API again on the same port and wait until it answers. */
  startApi(): Promise<void>;
  stop(options: { keepLogs: boolean }): Promise<void>;
}

export interface ConsoleStackOptions {
  /**
   * Settings for the API and worker processes beyond the wiring, e.g. the clocks of "Time in
   * conversations" (SLA_FIRST_REPLY_SECONDS, AUTO_CLOSE_AFTER_SECONDS, …), which the worker
   * hands to every conversation it starts.
   */
  settings?: NodeJS.ProcessEnv;
}

export async function startConsoleStack(options: ConsoleStackOptions = {}): Promise<ConsoleStack> {
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'browser-test');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-console-'));
  const database: TestDatabase = await createTestDatabase();
  const db = createDatabase(database.url, { poolMax: 2 });
  const temporal: TemporalDevServer = await startTemporalDevServer({ namespace: NAMESPACE, cliPath: process.env.TEMPORAL_CLI_PATH }, log);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: NAMESPACE });

  const apiPort = await freePort();
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const taskQueue = `console-${randomBytes(4).toString('hex')}`;
  const emulator = createTwilioEmulator({
    accountSid,
    authToken,
    inboundWebhookUrl: baseUrl + INBOUND_WEBHOOK_PATH,
    phoneNumbers: [BUSINESS_NUMBER],
    // As Twilio's default opt-out handling does: STOP is answered by Twilio, and the webhook
    // carries OptOutType, so our system sends nothing of its own.
    handleOptOutKeywords: true,
    statusCallbackDelayMs: 10,
    logger: log.child({ component: 'twilio-emulator' }),
  });
  const emulatorUrl = await emulator.listen(0, '127.0.0.1');

  const env = serviceEnv({
    dir,
    databaseUrl: database.url,
    temporalAddress: temporal.address,
    namespace: NAMESPACE,
    taskQueue,
    twilio: { accountSid, authToken, apiBaseUrl: emulatorUrl, phoneNumber: BUSINESS_NUMBER },
    apiBaseUrl: baseUrl,
    apiPort,
    extra: options.settings,
  });
  const nodeProcess = (name: string, entry: string, extra: NodeJS.ProcessEnv = {}) =>
    new ManagedProcess({ name, command: process.execPath, args: ['--import', 'tsx', entry], cwd: REPO_ROOT, env: { ...env, ...extra }, logDir: dir });
  const api = nodeProcess('api', 'src/api/server.ts');
  const worker = nodeProcess('worker', 'src/worker.ts', { WORKER_METRICS_PORT: String(await freePort()), TEMPORAL_SDK_METRICS_PORT: '0' });
  api.start();
  worker.start();

  const apiAnswers = () =>
    waitFor('the API to be ready', async () => (await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })).ok, START_TIMEOUT_MS, 200);
  await Promise.all([
    apiAnswers(),
    waitFor('the worker to poll its task queue', () => processPollsTaskQueue(client, NAMESPACE, taskQueue, worker.pid!), START_TIMEOUT_MS, 250),
  ]);

  const admin = await createTestAgent(db, 'admin', 'Setup Admin');
  const gateway = createConversationGateway(client, taskQueue);

  return {
    baseUrl,
    emulator,
    db,
    adminToken: admin.token,
    dir,
    async createAgent(name, role = 'agent') {
      const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomBytes(3).toString('hex')}@example.test`;
      const password = `pw-${randomBytes(12).toString('hex')}`;
      const created = await requestJson(baseUrl, 'POST', '/api/agents', { token: admin.token, body: { name, email, role, password } });
      if (created.status !== 201) throw new Error(`creating agent ${name}: ${created.status} ${JSON.stringify(created.body)}`);
      return { id: created.body.agent.id, name, email, password, role };
    },
    async text(from, body) {
      const messageSid = newMessageSid();
      await waitFor(
        `the API to accept "${body}" from ${from}`,
        async () => (await emulator.sendInbound({ from, to: BUSINESS_NUMBER, body, messageSid })).status === 200,
        20_000,
        200,
      );
    },
    async textPastTheApi(from, body) {
      // Parsed by the webhook's own parser from the parameters Twilio would post.
      const sms = toInboundSms({ MessageSid: newMessageSid(), AccountSid: accountSid, From: from, To: BUSINESS_NUMBER, Body: body, NumSegments: '1', NumMedia: '0' });
      await gateway.deliverInbound(sms);
    },
    killApi: () => api.kill(),
    async startApi() {
      api.start();
      await apiAnswers();
    },
    async stop({ keepLogs }) {
      await emulator.close();
      await Promise.allSettled([api.stop(), worker.stop()]);
      await connection.close();
      await temporal.stop();
      await db.$disconnect();
      await database.drop();
      if (keepLogs) console.warn(`console browser test: process logs kept in ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    },
  };
}
