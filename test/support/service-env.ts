// The environment the API and worker processes get when a test runs them as real processes
// (process-restart, topology, faults): one place that knows which variables wire them to the
// test's database, Temporal server and Twilio emulator.
import path from 'node:path';

export interface ServiceEnvOptions {
  /** A temporary folder of the test's (DATA_DIR lives under it). */
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace?: string;
  taskQueue: string;
  twilio: { accountSid: string; authToken: string; apiBaseUrl: string; phoneNumber: string };
  /** What Twilio is told to call (webhook signatures are checked against it). */
  apiBaseUrl: string;
  apiPort?: number;
  logLevel?: string;
  /** Anything else (ports of a second replica, behaviour settings). */
  extra?: NodeJS.ProcessEnv;
}

export function serviceEnv(options: ServiceEnvOptions): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel ?? 'info',
    DATA_DIR: path.join(options.dir, 'data'),
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace ?? 'default',
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    TWILIO_ACCOUNT_SID: options.twilio.accountSid,
    TWILIO_AUTH_TOKEN: options.twilio.authToken,
    TWILIO_PHONE_NUMBER: options.twilio.phoneNumber,
    TWILIO_MESSAGING_SERVICE_SID: '',
    TWILIO_API_BASE_URL: options.twilio.apiBaseUrl,
    API_HOST: '127.0.0.1',
    ...(options.apiPort !== undefined ? { API_PORT: String(options.apiPort) } : {}),
    API_BASE_URL: options.apiBaseUrl,
    ...options.extra,
  };
}
