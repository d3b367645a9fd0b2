// The production topology without Docker: two API processes and two worker processes (the
// real entry points, `node --import tsx`), one Temporal server, one PostgreSQL database, the
// Twilio emulator at the Twilio boundary. It proves what scaling out relies on:
//  - a text that reaches API 1 (a signed webhook) shows up on an agent's SSE stream held open on
//    API 2: live events cross replicas through the database (LISTEN/NOTIFY), not process memory;
//  - a worker SIGKILLed while it holds conversations (cached, sticky to it, with work in flight)
//    costs nothing: the other worker finishes that work and every later text, each answered once.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/infra/database.ts';
import { createLogger } from '../../src/infra/logger.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/infra/temporal-dev-server.ts';
import { conversationWorkflowId } from '../../src/shared/workflow-id.ts';
import { INBOUND_WEBHOOK_PATH } from '../../src/shared/webhook-paths.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../../src/twilio-emulator/index.ts';
import { createTestAgent } from '../support/agents.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort } from '../support/free-port.ts';
import { ManagedProcess } from '../support/managed-process.ts';
import { liveEventOf, openSse, type SseClient, type SseEvent } from '../support/sse-client.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid } from '../support/stack.ts';
import { processPollsTaskQueue } from '../support/task-queue-pollers.ts';
import { waitFor } from '../support/wait-for.ts';
import { serviceEnv } from '../support/service-env.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NAMESPACE = 'default';
/** Four processes start at once on 2 cores; each worker bundles the workflows first. */
const START_TIMEOUT_MS = 120_000;
/**
 * Work held by the killed worker moves on when its sticky queue times out (seconds) and, for an
 * activity it was running, when that attempt's start-to-close timeout ends (30 s for a send).
 */
const HANDOVER_TIMEOUT_MS = 75_000;
const HELP_REPLY = /An agent will follow up/;
const DOCUMENTS_REPLY = /To send us documents/;
const CUSTOMERS = 8;

const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'topology-test');

let dir: string;
let database: TestDatabase;
let db: Database;
let temporal: TemporalDevServer;
let connection: Connection;
let client: Client;
let emulator: TwilioEmulator;
let taskQueue: string;
let apiUrls: [string, string];
let apis: ManagedProcess[] = [];
let workers: ManagedProcess[] = [];
let agentEvents: SseClient | undefined;
let failed = false;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sms-topology-'));
  try {
    await startTopology();
  } catch (error) {
    failed = true;
    throw error;
  }
}, START_TIMEOUT_MS + 60_000);

async function startTopology(): Promise<void> {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 2 });
  temporal = await startTemporalDevServer({ namespace: NAMESPACE, cliPath: process.env.TEMPORAL_CLI_PATH }, log);
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: NAMESPACE });

  const ports = [await freePort(), await freePort()];
  apiUrls = [`http://127.0.0.1:${ports[0]}`, `http://127.0.0.1:${ports[1]}`];
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  taskQueue = `topology-${randomBytes(4).toString('hex')}`;
  // Twilio is pointed at API 1; so are the status callbacks (API_BASE_URL, as a balancer's URL would be).
  emulator = createTwilioEmulator({
    accountSid,
    authToken,
    inboundWebhookUrl: apiUrls[0] + INBOUND_WEBHOOK_PATH,
    phoneNumbers: [BUSINESS_NUMBER],
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
    apiBaseUrl: apiUrls[0]!,
  });
  const nodeProcess = (name: string, entry: string, extra: NodeJS.ProcessEnv = {}) =>
    new ManagedProcess({ name, command: process.execPath, args: ['--import', 'tsx', entry], cwd: REPO_ROOT, env: { ...env, ...extra }, logDir: dir });
  apis = ports.map((port, index) => nodeProcess(`api-${index + 1}`, 'src/api/server.ts', { API_PORT: String(port) }));
  // Two workers on one host: each needs its own metrics port (and the SDK's exporter off).
  const metricsPorts = [await freePort(), await freePort()];
  workers = metricsPorts.map((port, index) =>
    nodeProcess(`worker-${index + 1}`, 'src/worker.ts', { WORKER_METRICS_PORT: String(port), TEMPORAL_SDK_METRICS_PORT: '0' }),
  );
  for (const child of [...apis, ...workers]) child.start();

  await Promise.all([
    ...apiUrls.map((url) =>
      waitFor(`the API at ${url} to answer`, async () => (await fetch(url + INBOUND_WEBHOOK_PATH, { signal: AbortSignal.timeout(2_000) })).ok, START_TIMEOUT_MS, 250),
    ),
    ...workers.map((worker) =>
      waitFor(`${worker.name} to poll its task queue`, () => processPollsTaskQueue(client, NAMESPACE, taskQueue, worker.pid!), START_TIMEOUT_MS, 250),
    ),
  ]);
}

afterAll(async () => {
  agentEvents?.close();
  await emulator?.close();
  await Promise.allSettled([...apis, ...workers].map((child) => child.stop()));
  await connection?.close();
  await temporal?.stop();
  await db?.$disconnect();
  await database?.drop();
  // Process logs stay for diagnosis when a test failed.
  if (failed) console.warn(`topology test: process logs kept in ${dir}`);
  else if (dir) await rm(dir, { recursive: true, force: true });
});

/** Delivers a text to API 1 as Twilio would: redelivered with the same MessageSid until it answers 200. */
async function text(customer: string, body: string): Promise<void> {
  const messageSid = newMessageSid();
  await waitFor(
    `API 1 to accept "${body}" from ${customer}`,
    async () => (await emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body, messageSid })).status === 200,
    20_000,
    200,
  );
}

/** Identities of the workers that completed workflow tasks of a conversation, in history order. */
async function workflowTaskIdentities(customer: string): Promise<string[]> {
  const history = await client.workflow.getHandle(conversationWorkflowId(BUSINESS_NUMBER, customer)).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const identity = event.workflowTaskCompletedEventAttributes?.identity;
    return identity ? [identity] : [];
  });
}

const receivedFrom = (customer: string) => (event: SseEvent) => {
  if (event.event === 'reset') return false;
  const live = liveEventOf(event);
  return live.type === 'message.received' && live.data.customerNumber === customer;
};

describe('two API processes and two worker processes on one Temporal server and one database', () => {
  it('a text signed to API 1 reaches an agent streaming from API 2', async () => {
    try {
      const agent = await createTestAgent(db);
      agentEvents = await openSse(`${apiUrls[1]}/api/events`, { token: agent.token });
      expect(agentEvents.status).toBe(200);

      const customer = newCustomerNumber();
      await text(customer, 'Hello, is anyone there?');
      const event = await agentEvents.waitForEvent(receivedFrom(customer), 20_000, `message.received from ${customer} on API 2`);
      expect(liveEventOf(event).data).toMatchObject({ customerNumber: customer, businessNumber: BUSINESS_NUMBER });
    } catch (error) {
      failed = true;
      throw error;
    }
  });

  it('SIGKILLing the worker that holds conversations mid-flight: the other worker finishes every text, each answered once', async () => {
    try {
      const customers = Array.from({ length: CUSTOMERS }, () => newCustomerNumber());
      const [first, ...rest] = customers as [string, ...string[]];

      // The first text decides the victim: whichever worker ran its workflow task now holds that
      // conversation (cached, sticky) and is about to send its reply.
      await text(first, 'help');
      const [firstIdentity] = await waitFor('a worker to take the first conversation', async () => {
        const identities = await workflowTaskIdentities(first).catch(() => []);
        return identities.length > 0 ? identities : undefined;
      }, 20_000, 20);
      const victim = workers.find((worker) => firstIdentity!.startsWith(`${worker.pid}@`));
      const survivor = workers.find((worker) => worker !== victim)!;
      expect(victim, `no worker process has identity ${firstIdentity}`).toBeDefined();
      const survivorPid = survivor.pid!;
      await victim!.kill();

      // Texts around and after the kill: the rest of the first wave, then a second text from everyone
      // (the first customer's conversation is still sticky to the dead worker).
      for (const customer of rest) await text(customer, 'help');
      for (const customer of customers) await text(customer, 'Can you send me the documents');

      const repliesTo = (customer: string) => emulator.messages().filter((message) => message.to === customer);
      await waitFor(
        'both replies for every customer',
        () => customers.every((customer) => repliesTo(customer).length >= 2),
        HANDOVER_TIMEOUT_MS,
        250,
      );
      for (const customer of customers) {
        const bodies = repliesTo(customer).map((message) => message.body);
        expect(bodies, customer).toHaveLength(2);
        expect(bodies.filter((body) => HELP_REPLY.test(body)), customer).toHaveLength(1);
        expect(bodies.filter((body) => DOCUMENTS_REPLY.test(body)), customer).toHaveLength(1);
      }

      // Every text is stored once and every one reached the agent on API 2.
      for (const customer of customers) {
        const stored = await db.message.count({ where: { direction: 'inbound', fromNumber: customer } });
        expect(stored, customer).toBe(2);
        await agentEvents!.waitForEvent(
          (event) => agentEvents!.events.filter(receivedFrom(customer)).length >= 2 && receivedFrom(customer)(event),
          10_000,
          `two message.received events from ${customer} on API 2`,
        );
      }

      // The handover really happened: the first conversation's later workflow tasks ran on the survivor.
      const identities = await workflowTaskIdentities(first);
      expect(identities[0]).toBe(firstIdentity);
      expect(identities.some((identity) => identity.startsWith(`${survivorPid}@`))).toBe(true);
      expect(survivor.unexpectedExits).toEqual([]);
      expect(survivor.pid).toBe(survivorPid);
      expect(apis.every((api) => api.unexpectedExits.length === 0)).toBe(true);
    } catch (error) {
      failed = true;
      throw error;
    }
  });
});
