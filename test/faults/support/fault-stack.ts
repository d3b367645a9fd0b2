// The system as it runs in production, on loopback: a throwaway PostgreSQL database, a Temporal
// dev server persisting to a SQLite file (so it can be SIGKILLed and started again on the same
// port with its history), the API and the worker each as its own process, and the Twilio
// emulator in this process at the Twilio boundary. Every process logs to a file in `dir`.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { createLogger } from '../../../src/infra/logger.ts';
import { ensureTemporalCli } from '../../../src/infra/temporal-cli.ts';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../../../src/shared/search-attributes.ts';
import { INBOUND_WEBHOOK_PATH } from '../../../src/shared/webhook-paths.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../../../src/twilio-emulator/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { freePort } from '../../support/free-port.ts';
import { processPollsTaskQueue } from '../../support/task-queue-pollers.ts';
import { waitFor } from '../../support/wait-for.ts';
import { ManagedProcess } from '../../support/managed-process.ts';
import type { FaultOptions } from './options.ts';
import { StatusCallbackRedelivery } from './status-callback-redelivery.ts';
import { serviceEnv } from '../../support/service-env.ts';

export const BUSINESS_NUMBER = '+15005550006';
export const AUTO_REPLY_LIMIT = 3;
export const AUTO_REPLY_WINDOW_SECONDS = 600;
/** As in the other tests: every busy conversation crosses continue-as-new during the run. */
const SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS = 60;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NAMESPACE = 'default';
/** Pollers come back within this long of a worker process starting (it bundles the workflows first). */
const WORKER_READY_TIMEOUT_MS = 180_000;
const SERVICE_READY_TIMEOUT_MS = 90_000;

const CLI_TYPE_OF: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface FaultStack {
  dir: string;
  database: TestDatabase;
  emulator: TwilioEmulator;
  callbacks: StatusCallbackRedelivery;
  temporal: ManagedProcess;
  api: ManagedProcess;
  worker: ManagedProcess;
  temporalAddress: string;
  apiBaseUrl: string;
  taskQueue: string;
  accountSid: string;
  authToken: string;
  /** A client kept for the whole run; it reconnects by itself after a Temporal restart. */
  client(): Promise<Client>;
  temporalReady(): Promise<void>;
  apiReady(): Promise<void>;
  /** Resolves once the worker process now running polls the task queue. */
  workerReady(timeoutMs?: number): Promise<void>;
  /** Stops everything; the database is dropped unless asked to keep it (for a failed run's diagnosis). */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

export async function startFaultStack(options: FaultOptions): Promise<FaultStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-faults-'));
  const log = createLogger('warn', 'fault-test');
  const cli = ensureTemporalCli(log, process.env.TEMPORAL_CLI_PATH);
  if (!cli) throw new Error('The fault test needs the Temporal CLI (TEMPORAL_CLI_PATH, PATH or Go\'s bin folder); `bash .ci/run` builds it');

  const database = await createTestDatabase();
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const taskQueue = `faults-${randomBytes(4).toString('hex')}`;
  const [temporalPort, apiPort] = [await freePort(), await freePort()];
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const apiBaseUrl = `http://127.0.0.1:${apiPort}`;

  const callbacks = new StatusCallbackRedelivery(authToken, options.retryStatusCallbacks, options.deliveryDeadlineMs);
  const emulator = createTwilioEmulator({
    accountSid,
    authToken,
    inboundWebhookUrl: apiBaseUrl + INBOUND_WEBHOOK_PATH,
    phoneNumbers: [BUSINESS_NUMBER],
    statusCallbackDelayMs: 50,
    logger: pino({ name: 'twilio-emulator', level: 'warn' }, callbacks.destination()),
  });
  callbacks.attach(emulator);
  const emulatorUrl = await emulator.listen(0, '127.0.0.1');

  const temporal = new ManagedProcess({
    name: 'temporal',
    command: cli,
    args: [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(temporalPort),
      '--db-filename', path.join(dir, 'temporal.sqlite'),
      '--headless',
      '--log-level', 'warn',
      ...CONVERSATION_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_OF[key.type]}`]),
      '--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_CONTINUE_AS_NEW_AFTER_EVENTS}`,
    ],
    cwd: dir,
    env: process.env,
    logDir: dir,
  });

  const appEnv = serviceEnv({
    dir,
    databaseUrl: database.url,
    temporalAddress,
    namespace: NAMESPACE,
    taskQueue,
    twilio: { accountSid, authToken, apiBaseUrl: emulatorUrl, phoneNumber: BUSINESS_NUMBER },
    apiBaseUrl,
    apiPort,
    logLevel: 'warn',
    extra: { AUTO_REPLY_LIMIT: String(AUTO_REPLY_LIMIT), AUTO_REPLY_WINDOW_SECONDS: String(AUTO_REPLY_WINDOW_SECONDS) },
  });
  // `node --import tsx` rather than `npx tsx`: one process, so SIGKILL hits the worker itself
  // and not a launcher that would leave it running.
  const nodeProcess = (name: string, entry: string) =>
    new ManagedProcess({ name, command: process.execPath, args: ['--import', 'tsx', entry], cwd: REPO_ROOT, env: appEnv, logDir: dir });
  const api = nodeProcess('api', 'src/api/server.ts');
  const worker = nodeProcess('worker', 'src/worker.ts');

  let client: Client | undefined;
  let connection: Connection | undefined;
  const getClient = async () => {
    if (!client) {
      connection = await Connection.connect({ address: temporalAddress });
      client = new Client({ connection, namespace: NAMESPACE });
    }
    return client;
  };

  const temporalReady = async () => {
    await waitFor(
      'the Temporal server to answer with the search attributes registered',
      async () => {
        const probe = await Connection.connect({ address: temporalAddress, connectTimeout: 2_000 });
        try {
          const { customAttributes } = await probe.operatorService.listSearchAttributes({ namespace: NAMESPACE });
          return CONVERSATION_SEARCH_ATTRIBUTES.every((key) => customAttributes?.[key.name] !== undefined);
        } finally {
          await probe.close();
        }
      },
      SERVICE_READY_TIMEOUT_MS,
      250,
    );
  };

  const apiReady = async () => {
    await waitFor(
      'the API to answer',
      async () => (await fetch(apiBaseUrl + INBOUND_WEBHOOK_PATH, { signal: AbortSignal.timeout(2_000) })).ok,
      SERVICE_READY_TIMEOUT_MS,
      250,
    );
  };

  const workerReady = async (timeoutMs = WORKER_READY_TIMEOUT_MS) => {
    const temporalClient = await getClient();
    await waitFor(
      'the worker process to poll its task queue',
      async () => {
        const pid = worker.pid;
        return pid !== undefined && processPollsTaskQueue(temporalClient, NAMESPACE, taskQueue, pid);
      },
      timeoutMs,
      250,
    );
  };

  const stack: FaultStack = {
    dir,
    database,
    emulator,
    callbacks,
    temporal,
    api,
    worker,
    temporalAddress,
    apiBaseUrl,
    taskQueue,
    accountSid,
    authToken,
    client: getClient,
    temporalReady,
    apiReady,
    workerReady,
    async stop({ keepDatabase = false } = {}) {
      await callbacks.stop();
      await emulator.close().catch(() => undefined);
      await Promise.allSettled([api.stop(), worker.stop()]);
      await connection?.close().catch(() => undefined);
      await temporal.stop();
      if (!keepDatabase) await database.drop().catch(() => undefined);
    },
  };

  try {
    temporal.start();
    await temporalReady();
    api.start();
    worker.start();
    await Promise.all([apiReady(), workerReady()]);
  } catch (error) {
    await stack.stop();
    throw new Error(`The fault test's stack did not start (logs in ${dir}): ${(error as Error).message}`);
  }
  return stack;
}
