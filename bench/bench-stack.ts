// Starts the whole system the way `npm start` does (src/runtime/start-system.ts), isolated for
// benchmarking: a temporary DATA_DIR, ports free right now, LOG_LEVEL=warn, a throwaway database
// on DATABASE_URL's server (else the embedded PGlite), its own Temporal dev server, and the
// Twilio emulator. The emulator is created here rather than by startSystem (which then takes it
// as "the Twilio API" through TWILIO_API_BASE_URL, the same code path) only so that its logger
// is the reply tap that timestamps every accepted reply.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { createLogger, type Logger } from '../src/infra/logger.ts';
import { EMULATOR_PHONE_NUMBER, startSystem, type RunningSystem } from '../src/runtime/start-system.ts';
import { createTwilioEmulator, type TwilioEmulator } from '../src/twilio-emulator/index.ts';
import { INBOUND_WEBHOOK_PATH } from '../src/shared/webhook-paths.ts';
import { prepareBenchDatabase, type BenchDatabase } from './fresh-database.ts';
import { freePorts } from './free-ports.ts';
import { findTemporalServerPid } from './process-stats.ts';
import { ReplyTap } from './reply-tap.ts';

/** High enough that the 3-per-10-minutes auto-reply limit never turns a benchmark reply into a flag. */
export const BENCH_AUTO_REPLY_LIMIT = 1_000_000;

export interface BenchStack {
  system: RunningSystem;
  emulator: TwilioEmulator;
  emulatorUrl: string;
  tap: ReplyTap;
  log: Logger;
  accountSid: string;
  authToken: string;
  businessNumber: string;
  /** The URL Twilio calls and signs: API_BASE_URL + the inbound path. */
  inboundUrl: string;
  apiBaseUrl: string;
  temporalPort: number;
  temporalServerPid: number | undefined;
  database: { kind: 'embedded PGlite' | 'PostgreSQL (DATABASE_URL)'; throwaway: boolean; serverVersion?: string };
  dataDir: string;
  /** Rejects if the worker stops on its own while the benchmark runs. */
  workerFailure: Promise<never>;
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const log = createLogger('warn', 'bench');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sms-bench-'));
  const [apiPort, emulatorPort, temporalPort, temporalUiPort, embeddedPostgresPort, workerMetricsPort, sdkMetricsPort] = (await freePorts(7)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const cleanups: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log.warn({ err: error }, 'bench cleanup step failed'));
  };

  try {
    let database: BenchDatabase | undefined;
    if (process.env.DATABASE_URL?.trim()) {
      database = await prepareBenchDatabase(process.env.DATABASE_URL.trim(), (message) => log.warn(message));
      cleanups.push(() => database!.drop());
    }

    const accountSid = `AC${randomBytes(16).toString('hex')}`;
    const authToken = randomBytes(16).toString('hex');
    const apiBaseUrl = `http://127.0.0.1:${apiPort}`;
    const tap = new ReplyTap();
    const emulator = createTwilioEmulator({ accountSid, authToken, inboundWebhookUrl: apiBaseUrl + INBOUND_WEBHOOK_PATH, logger: tap.logger() });
    const emulatorUrl = await emulator.listen(emulatorPort, '127.0.0.1');
    cleanups.push(() => emulator.close());

    const env: NodeJS.ProcessEnv = {
      ...withoutStackVariables(process.env),
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      // Signatures are checked against this URL; 127.0.0.1 (not localhost) avoids an IPv6 detour.
      API_BASE_URL: apiBaseUrl,
      EMBEDDED_POSTGRES_PORT: String(embeddedPostgresPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(temporalUiPort),
      TWILIO_EMULATOR_PORT: String(emulatorPort),
      // Served as by `npm start`, but on free ports: the defaults (9464/9465) collide with any
      // other stack running on the machine (a CI job, a second benchmark).
      WORKER_METRICS_PORT: String(workerMetricsPort),
      TEMPORAL_SDK_METRICS_PORT: String(sdkMetricsPort),
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_PHONE_NUMBER: EMULATOR_PHONE_NUMBER,
      TWILIO_API_BASE_URL: emulatorUrl,
      AUTO_REPLY_LIMIT: String(BENCH_AUTO_REPLY_LIMIT),
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
    const system = await startSystem(loadConfig(env), log);
    cleanups.push(() => system.stop());

    const workerFailure = system.workerStopped.then(
      () => Promise.reject(new Error('the Temporal worker stopped during the benchmark')),
      (error: unknown) => Promise.reject(new Error(`the Temporal worker failed: ${String(error)}`)),
    );
    workerFailure.catch(() => undefined);

    return {
      system,
      emulator,
      emulatorUrl,
      tap,
      log,
      accountSid,
      authToken,
      businessNumber: EMULATOR_PHONE_NUMBER,
      inboundUrl: system.webhooks.inbound,
      apiBaseUrl,
      temporalPort,
      temporalServerPid: findTemporalServerPid(temporalPort),
      database: database
        ? { kind: 'PostgreSQL (DATABASE_URL)', throwaway: database.throwaway, serverVersion: database.serverVersion }
        : { kind: 'embedded PGlite', throwaway: true },
      dataDir,
      workerFailure,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * The benchmark always brings its own Temporal dev server and Twilio emulator, and sets every
 * port itself, whatever the shell exports for `npm start`.
 */
function withoutStackVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of Object.keys(copy)) {
    if (key.startsWith('TWILIO_') || key === 'TEMPORAL_ADDRESS' || key === 'TEMPORAL_UI_URL' || key === 'API_BASE_URL') delete copy[key];
  }
  delete copy.DATABASE_URL;
  return copy;
}
