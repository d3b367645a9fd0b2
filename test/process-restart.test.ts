// The worker and the API as the separate processes production runs (`src/worker.ts`,
// `src/api/server.ts`), started before PostgreSQL and Temporal are reachable: they wait and say
// so, come up by themselves once the services are there, and carry on — the same processes —
// through a Temporal server restart and a PostgreSQL outage. Real components throughout: a
// PostgreSQL database (behind a TCP proxy the test can take away), Temporal dev servers on one
// port and one history file, the Twilio emulator.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../src/infra/database.ts';
import { createLogger } from '../src/infra/logger.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../src/infra/temporal-dev-server.ts';
import { INBOUND_WEBHOOK_PATH } from '../src/shared/webhook-paths.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../src/twilio-emulator/index.ts';
import { createTestAgent } from './support/agents.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { freePort } from './support/free-port.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber } from './support/stack.ts';
import { createTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { waitFor } from './support/wait-for.ts';
import { serviceEnv } from './support/service-env.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'process-restart-test');
/** Starting a process (tsx) and, for the worker, bundling the workflows takes a while on 2 cores. */
const START_TIMEOUT_MS = 45_000;
const HELP_REPLY = /An agent will follow up/;

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A service process whose pino lines the test reads as they come. */
class ServiceProcess {
  readonly lines: LogLine[] = [];
  readonly output: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    entry: string,
    env: NodeJS.ProcessEnv,
  ) {
    // `node --import tsx` rather than `npx tsx`: one process, which the test signals directly.
    this.child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.output.push(line);
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        // not a pino line (the SDK's core writes its own to stderr)
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => this.output.push(line));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a log line; fails early, with the output, if the process exits meanwhile. */
  async waitForLog(description: string, matches: (line: LogLine) => boolean, timeoutMs = START_TIMEOUT_MS): Promise<LogLine> {
    try {
      return await waitFor(
        `${this.name}: ${description}`,
        () => this.lines.find(matches) ?? (this.alive ? undefined : 'exited'),
        timeoutMs,
        100,
      ).then((found) => {
        if (found === 'exited') throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode})`);
        return found;
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- last output of ${this.name}:\n${this.tail()}`);
    }
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }
}

const WARN = 40;
const waitingFor = (service: string) => (line: LogLine) => line.level === WARN && line.waitingFor === service;

let dir: string;
let database: TestDatabase;
let directDb: Database;
let postgres: TcpProxy;
let emulator: TwilioEmulator;
let temporalPort: number;
let temporal: TemporalDevServer | undefined;
let apiBaseUrl: string;
let databaseUrl: string;
let api: ServiceProcess;
let worker: ServiceProcess;
/** An API process that is only ever asked to stop while it waits. */
let stoppedWhileWaiting: ServiceProcess;
const processes: ServiceProcess[] = [];

function startTemporal(): Promise<TemporalDevServer> {
  return startTemporalDevServer(
    { namespace: 'default', cliPath: process.env.TEMPORAL_CLI_PATH, port: temporalPort, dbFilename: path.join(dir, 'temporal.sqlite') },
    log,
  );
}

/**
 * Texts in as a new customer and returns the replies. A 503 is redelivered with the same
 * MessageSid, as Twilio does: right after Temporal comes back the API's gRPC channel may still
 * be in its (capped) reconnect backoff.
 */
async function textAndAwaitReply(body: string) {
  const customer = newCustomerNumber();
  const messageSid = `SM${randomBytes(16).toString('hex')}`;
  await waitFor(
    'the API to accept the text',
    async () => (await emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body, messageSid })).status === 200,
    20_000,
    200,
  );
  await emulator.waitForMessages((all) => all.some((message) => message.to === customer), 30_000);
  return emulator.messages().filter((message) => message.to === customer);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sms-process-restart-'));
  database = await createTestDatabase({ migrate: false });
  directDb = createDatabase(database.url, { poolMax: 2 });
  const target = new URL(database.url);
  postgres = await createTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(database.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(postgres.port);
  databaseUrl = proxied.toString();

  temporalPort = await freePort();
  const apiPort = await freePort();
  apiBaseUrl = `http://127.0.0.1:${apiPort}`;
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  emulator = createTwilioEmulator({
    accountSid,
    authToken,
    inboundWebhookUrl: apiBaseUrl + INBOUND_WEBHOOK_PATH,
    statusCallbackDelayMs: 10,
    logger: log.child({ component: 'twilio-emulator' }),
  });
  const emulatorUrl = await emulator.listen(0, '127.0.0.1');

  const env = serviceEnv({
    dir,
    databaseUrl,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    taskQueue: `restart-${randomBytes(4).toString('hex')}`,
    twilio: { accountSid, authToken, apiBaseUrl: emulatorUrl, phoneNumber: BUSINESS_NUMBER },
    apiBaseUrl,
    apiPort,
    // Other test files run worker processes at the same time: no fixed metrics ports.
    extra: { WORKER_METRICS_PORT: '0', TEMPORAL_SDK_METRICS_PORT: '0' },
  });
  api = new ServiceProcess('api', 'src/api/server.ts', env);
  worker = new ServiceProcess('worker', 'src/worker.ts', env);
  stoppedWhileWaiting = new ServiceProcess('api (stopped while waiting)', 'src/api/server.ts', { ...env, API_PORT: '0' });
  processes.push(api, worker, stoppedWhileWaiting);
});

afterAll(async () => {
  await Promise.allSettled(processes.map((service) => service.stop()));
  await temporal?.stop();
  await emulator?.close();
  await postgres?.stop();
  await directDb?.$disconnect();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('processes started before PostgreSQL and Temporal', () => {
  it('wait for PostgreSQL, saying so at warn with the next delay and without the password', async () => {
    for (const service of [api, worker]) {
      const first = await service.waitForLog('a warn line about waiting for PostgreSQL', waitingFor('PostgreSQL'));
      expect(first.retryInMs).toEqual(expect.any(Number));
      expect(first.msg).toMatch(/next attempt in \d+ ms/);
      // Capped exponential backoff: the delays grow.
      await service.waitForLog('a third attempt', (line) => waitingFor('PostgreSQL')(line) && line.attempt === 3);
      expect(service.alive).toBe(true);
    }
    const password = new URL(databaseUrl).password;
    for (const line of [...api.output, ...worker.output]) {
      expect(line).not.toContain(databaseUrl);
      if (password) expect(line).not.toContain(`:${password}@`);
    }
  });

  it('a SIGTERM during the wait stops a process at once and cleanly', async () => {
    await stoppedWhileWaiting.waitForLog('a warn line about waiting for PostgreSQL', waitingFor('PostgreSQL'));
    const signalledAt = Date.now();
    stoppedWhileWaiting.child.kill('SIGTERM');
    await stoppedWhileWaiting.exited;
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(stoppedWhileWaiting.child.exitCode).toBe(0);
    expect(stoppedWhileWaiting.lines.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('the API comes up once PostgreSQL is reachable and answers webhooks with 503 while Temporal is down', async () => {
    await postgres.start();
    await api.waitForLog('API listening', (line) => line.msg === 'API listening');
    await api.waitForLog('PostgreSQL is available', (line) => line.msg === 'PostgreSQL is available');

    const customer = newCustomerNumber();
    const inbound = await emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'Anyone there?' });
    expect(inbound.status).toBe(503);
    expect(JSON.parse(inbound.body)).toMatchObject({ error: { code: 'temporal_unavailable' } });
  });

  it('the worker migrates, waits for Temporal, and processes a text end to end once a server starts on its port', async () => {
    await worker.waitForLog('a warn line about waiting for Temporal', waitingFor('Temporal'));
    expect(worker.alive).toBe(true);

    temporal = await startTemporal();
    await worker.waitForLog('worker running', (line) => line.msg === 'worker running');
    const [reply] = await textAndAwaitReply('Can I get some HELP please');
    expect(reply?.body).toMatch(HELP_REPLY);
  });

  it('a Temporal restart on the same port and history: the same worker and API processes handle the next text', async () => {
    const { pid: workerPid } = worker.child;
    const { pid: apiPid } = api.child;
    await temporal!.stop();
    temporal = undefined;
    const customer = newCustomerNumber();
    const refused = await emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'help' });
    expect(refused.status).toBe(503);

    temporal = await startTemporal();
    const [reply] = await textAndAwaitReply('HELP again please');
    expect(reply?.body).toMatch(HELP_REPLY);
    expect([worker.alive, api.alive]).toEqual([true, true]);
    expect([worker.child.pid, api.child.pid]).toEqual([workerPid, apiPid]);
    expect(worker.lines.filter((line) => line.msg === 'worker running')).toHaveLength(1);
  });

  it('PostgreSQL going away: the API answers 5xx, a text waits in its workflow, and both recover without a restart', async () => {
    const agent = await createTestAgent(directDb);
    const list = () => requestJson(apiBaseUrl, 'GET', '/api/conversations', { token: agent.token });
    expect((await list()).status).toBe(200);

    await postgres.stop();
    const during = await list();
    expect(during.status).toBeGreaterThanOrEqual(500);
    expect(during.body).toMatchObject({ error: { code: expect.any(String) } });

    // Temporal has it (200): the workflow's database activities fail until PostgreSQL is back.
    const customer = newCustomerNumber();
    const inbound = await emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'HELP while the database is away' });
    expect(inbound.status).toBe(200);
    await worker.waitForLog(
      "a database activity of the text's conversation to fail",
      (line) => line.msg === 'Activity failed' && String(line.workflowId).endsWith(`:${customer}`),
      20_000,
    );
    expect(emulator.messages().some((message) => message.to === customer)).toBe(false);

    await postgres.start();
    await emulator.waitForMessages((all) => all.some((message) => message.to === customer), 30_000);
    await waitFor('the API to answer from the database again', async () => (await list()).status === 200, 15_000, 200);
    expect([worker.alive, api.alive]).toEqual([true, true]);
  });

  it('SIGTERM stops the running processes promptly and cleanly', async () => {
    const signalledAt = Date.now();
    for (const service of [worker, api]) service.child.kill('SIGTERM');
    await Promise.all([worker.exited, api.exited]);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect([worker.child.exitCode, api.child.exitCode]).toEqual([0, 0]);
    expect(worker.lines.filter((line) => line.level >= 50 && line.component !== 'temporal-sdk').map((line) => line.msg)).toEqual([]);
  });
});
