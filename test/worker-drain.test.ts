// The worker process (`src/worker.ts`) on SIGTERM: it stops polling, says it is draining, lets
// the activity in flight finish (here a send Twilio is slow to answer), says when it is done and
// exits 0. Meanwhile its own port answers /readyz 503 naming the worker. Real components: the
// worker as a child process, PostgreSQL, the shared Temporal dev server, and the Twilio emulator
// behind a gate the test opens.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDatabase, type Database } from '../src/infra/database.ts';
import { createLogger } from '../src/infra/logger.ts';
import { createConversationGateway } from '../src/temporal/conversation-client.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../src/twilio-emulator/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { freePort } from './support/free-port.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Starting tsx and bundling the workflows takes a while on 2 cores. */
const START_TIMEOUT_MS = 45_000;

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * In front of the emulator: holds every send (POST …/Messages.json) until `open()`, so an
 * activity is in flight for as long as the test needs.
 */
function gatedTwilio(target: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let held = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      if (request.method === 'POST' && request.url?.endsWith('/Messages.json')) {
        held += 1;
        await opened;
      }
      const answer = await fetch(target + request.url, {
        method: request.method,
        headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>,
        body: request.method === 'GET' ? undefined : Buffer.concat(chunks),
      });
      response.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  return {
    server,
    open: () => open(),
    get held() {
      return held;
    },
  };
}

let database: TestDatabase;
let db: Database;
let emulator: TwilioEmulator;
const accountSid = `AC${randomBytes(16).toString('hex')}`;
const authToken = randomBytes(16).toString('hex');
let gate: ReturnType<typeof gatedTwilio>;
let connection: Connection;
let child: ChildProcess;
const lines: LogLine[] = [];
const output: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 2 });
  emulator = createTwilioEmulator({ accountSid, authToken, statusCallbackDelayMs: 60_000, logger: createLogger('silent') });
  const emulatorUrl = await emulator.listen(0, '127.0.0.1');
  gate = gatedTwilio(emulatorUrl);
  const gatePort = await freePort();
  await new Promise<void>((resolve) => gate.server.listen(gatePort, '127.0.0.1', () => resolve()));
  connection = await Connection.connect({ address: inject('temporalAddress') });
});

afterAll(async () => {
  gate?.open();
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  gate?.server.closeAllConnections();
  await new Promise((resolve) => gate?.server.close(resolve));
  await emulator?.close();
  await connection?.close();
  await db?.$disconnect();
  await database?.drop();
});

function waitForLog(description: string, matches: (line: LogLine) => boolean, timeoutMs = START_TIMEOUT_MS): Promise<LogLine> {
  return waitFor(`worker: ${description}`, () => lines.find(matches), timeoutMs, 100).catch((error: Error) => {
    throw new Error(`${error.message}\n--- worker output:\n${output.slice(-30).join('\n')}`);
  });
}

it('drains on SIGTERM: the send in flight finishes, /readyz says draining, it logs both ends and exits 0', async () => {
  const taskQueue = `drain-${randomBytes(4).toString('hex')}`;
  const [metricsPort, sdkMetricsPort] = [await freePort(), await freePort()];
  const gateUrl = `http://127.0.0.1:${(gate.server.address() as { port: number }).port}`;
  child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_PHONE_NUMBER: BUSINESS_NUMBER,
      TWILIO_MESSAGING_SERVICE_SID: '',
      TWILIO_API_BASE_URL: gateUrl,
      API_BASE_URL: 'http://127.0.0.1:9',
      WORKER_METRICS_HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(metricsPort),
      TEMPORAL_SDK_METRICS_PORT: String(sdkMetricsPort),
      WORKER_SHUTDOWN_GRACE_SECONDS: '20',
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Not a terminal: JSON lines (LOG_FORMAT=auto).
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output.push(line);
    lines.push(JSON.parse(line) as LogLine);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));

  await waitForLog('worker running', (line) => line.msg === 'worker running');
  const workerUrl = `http://127.0.0.1:${metricsPort}`;
  const ready = await requestJson(workerUrl, 'GET', '/readyz');
  expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: { status: 'ok' }, migrations: { status: 'ok' }, temporal: { status: 'ok' }, worker: { status: 'ok' } } } });
  // The SDK's own exporter, on its own port.
  expect(await (await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`)).text()).toMatch(/^temporal_\w+/m);

  const customer = newCustomerNumber();
  const messageSid = newMessageSid();
  const gateway = createConversationGateway(new Client({ connection }), taskQueue);
  await gateway.deliverInbound({ messageSid, from: customer, to: BUSINESS_NUMBER, body: 'HELP', numSegments: 1, media: [], receivedAt: new Date().toISOString() });
  await waitFor('the auto-reply to reach Twilio (held at the gate)', () => gate.held >= 1, 30_000);

  child.kill('SIGTERM');
  const draining = await waitForLog('worker draining', (line) => String(line.msg).startsWith('worker draining'), 10_000);
  expect(draining).toMatchObject({ inFlightActivities: 1, graceSeconds: 20 });
  const duringDrain = await requestJson(workerUrl, 'GET', '/readyz');
  expect(duringDrain).toMatchObject({ status: 503, body: { notReady: expect.arrayContaining(['worker']), checks: { worker: { reason: 'draining' } } } });
  expect(lines.some((line) => line.msg === 'worker drained and stopped')).toBe(false);

  gate.open();
  await waitFor('the worker to exit', () => exited.then(() => true), 30_000);
  expect(child.exitCode).toBe(0);
  expect(lines.find((line) => line.msg === 'worker drained and stopped')).toMatchObject({ drainMs: expect.any(Number) });
  // The send finished: Twilio has it and so does our row.
  expect(emulator.messages().filter((message) => message.to === customer)).toHaveLength(1);
  const reply = await db.message.findFirstOrThrow({ where: { toNumber: customer, direction: 'outbound' } });
  expect(reply.twilioSid).toMatch(/^SM/);
  expect(lines.filter((line) => line.level >= 50 && line.component !== 'temporal-sdk').map((line) => line.msg)).toEqual([]);
});
