// The one place configuration is read and validated. Everything else receives a Config.
import { z } from 'zod';
import { parseBusinessHours, type BusinessHours } from '../shared/business-hours.ts';
import { temporalSecurityEnv, temporalSecurityFrom, type TemporalSecurity } from './temporal-security.ts';

const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number such as +447700900123');
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // auto: readable lines on a terminal, JSON lines otherwise (logger.ts).
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(3000),
  // The public URL Twilio calls; signatures are validated against it, so it must be exact.
  API_BASE_URL: optionalString.pipe(z.url().optional()),
  WEBHOOK_BODY_LIMIT: z.string().default('64kb'),
  // How long an agent console sign-in lasts (the sms_session cookie's Max-Age), in hours.
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),

  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: optionalString,
  EMBEDDED_POSTGRES_PORT: port(5433),
  DATABASE_PREPARED_STATEMENTS: optionalString.pipe(z.enum(['true', 'false']).default('true')),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('sms-conversations'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_UI_URL: optionalString,
  // TLS, mTLS and API key for a real cluster or Temporal Cloud (temporal-security.ts).
  ...temporalSecurityEnv,

  TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_PHONE_NUMBER: optionalString.pipe(e164.optional()),
  // Further numbers of the account agents may start conversations from (comma-separated E.164).
  TWILIO_SENDER_NUMBERS: optionalString.pipe(
    z
      .string()
      .optional()
      .transform((value) => (value === undefined ? [] : value.split(',').map((number) => number.trim()).filter(Boolean)))
      .pipe(z.array(e164)),
  ),
  TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits').optional()),
  TWILIO_API_BASE_URL: optionalString.pipe(z.url().optional()),
  TWILIO_EMULATOR_PORT: port(3100),

  AUTO_REPLY_LIMIT: z.coerce.number().int().min(0).default(3),
  AUTO_REPLY_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),
  CLOSED_CONVERSATION_LINGER_SECONDS: z.coerce.number().int().min(0).default(3600),

  // Time in conversations (0 turns each off). Response-time targets: a customer waiting longer
  // than this for a person's reply escalates the conversation (first reply / later replies).
  SLA_FIRST_REPLY_SECONDS: z.coerce.number().int().min(0).default(15 * 60),
  SLA_FOLLOW_UP_SECONDS: z.coerce.number().int().min(0).default(30 * 60),
  // A conversation with no activity this long that needs nobody closes itself.
  AUTO_CLOSE_AFTER_SECONDS: z.coerce.number().int().min(0).default(24 * 3600),
  // How far ahead an agent may schedule a message.
  SCHEDULED_SEND_HORIZON_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  // Weekly opening hours ("Mon-Fri 09:00-17:00, Sat 10:00-14:00"; empty: always open), their
  // IANA time zone, and whole days closed (YYYY-MM-DD, comma-separated).
  BUSINESS_HOURS: optionalString,
  BUSINESS_TIMEZONE: z.string().default('UTC'),
  BUSINESS_CLOSED_DATES: optionalString.pipe(
    z
      .string()
      .optional()
      .transform((value) => (value === undefined ? [] : value.split(',').map((date) => date.trim()).filter(Boolean))),
  ),

  // The worker's /metrics, /healthz, /readyz (0: off), the Temporal SDK's own Prometheus
  // exporter (0: off), and how long a SIGTERM'd worker lets in-flight activities finish.
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  WORKER_METRICS_PORT: port(9464),
  TEMPORAL_SDK_METRICS_PORT: port(9465),
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),

  // Delivery reconciliation (a Temporal Schedule; 0: off): how often, how long a message's
  // status must have stood still before Twilio is asked, and how many messages per run.
  DELIVERY_RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  DELIVERY_RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(1).default(600),
  DELIVERY_RECONCILE_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
});

export type Env = z.infer<typeof envSchema>;

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  phoneNumber?: string;
  messagingServiceSid?: string;
  /**
   * Numbers besides phoneNumber that agents may start a conversation from (TWILIO_SENDER_NUMBERS).
   * Replies always leave from the conversation's own number, which Twilio's signed webhook named.
   */
  senderNumbers?: string[];
  /** Base URL of the Twilio REST API or of a Twilio-compatible server (the emulator, Prism). */
  apiBaseUrl?: string;
}

export interface DeliveryReconciliationConfig {
  /** How often the schedule runs; 0: no schedule (an existing one is deleted). */
  intervalSeconds: number;
  /** A message is asked about once its status has not moved for this long. */
  afterSeconds: number;
  /** At most this many messages (and Twilio calls) per run. */
  batchSize: number;
}

/** Timers in conversations: response-time targets, auto-close, scheduling horizon, opening hours. */
export interface Timekeeping {
  sla: { firstReplySeconds: number; followUpSeconds: number };
  autoCloseSeconds: number;
  scheduleHorizonSeconds: number;
  businessHours: BusinessHours | null;
}

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  logFormat: Env['LOG_FORMAT'];
  api: { host: string; port: number; baseUrl: string; webhookBodyLimit: string; sessionTtlHours: number };
  dataDir: string;
  database: { url?: string; embeddedPort: number; preparedStatements: boolean };
  temporal: TemporalSecurity & {
    address?: string;
    namespace: string;
    taskQueue: string;
    cliPath?: string;
    port: number;
    uiPort: number;
    uiUrl?: string;
  };
  /** Undefined when no Twilio credentials are set: the embedded start runs the emulator then. */
  twilio?: TwilioConfig;
  emulatorPort: number;
  autoReply: { limit: number; windowSeconds: number };
  closedConversationLingerSeconds: number;
  timekeeping: Timekeeping;
  worker: {
    /** Where the worker serves /metrics, /healthz and /readyz; port 0: not served. */
    metricsHost: string;
    metricsPort: number;
    /** The Temporal SDK's Prometheus exporter, on metricsHost; 0: off. */
    sdkMetricsPort: number;
    shutdownGraceSeconds: number;
  };
  deliveryReconciliation: DeliveryReconciliationConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const env = parsed.data;
  const twilio = twilioFrom(env);
  const temporalSecurity = temporalSecurityFrom(env, env.TEMPORAL_ADDRESS !== undefined);
  if (typeof temporalSecurity === 'string') throw new ConfigError(temporalSecurity);
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      baseUrl: (env.API_BASE_URL ?? `http://localhost:${env.API_PORT}`).replace(/\/+$/, ''),
      webhookBodyLimit: env.WEBHOOK_BODY_LIMIT,
      sessionTtlHours: env.SESSION_TTL_HOURS,
    },
    dataDir: env.DATA_DIR,
    database: { url: env.DATABASE_URL, embeddedPort: env.EMBEDDED_POSTGRES_PORT, preparedStatements: env.DATABASE_PREPARED_STATEMENTS === 'true' },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      cliPath: env.TEMPORAL_CLI_PATH,
      port: env.TEMPORAL_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
      uiUrl: env.TEMPORAL_UI_URL,
      ...temporalSecurity,
    },
    twilio,
    emulatorPort: env.TWILIO_EMULATOR_PORT,
    autoReply: { limit: env.AUTO_REPLY_LIMIT, windowSeconds: env.AUTO_REPLY_WINDOW_SECONDS },
    closedConversationLingerSeconds: env.CLOSED_CONVERSATION_LINGER_SECONDS,
    timekeeping: {
      sla: { firstReplySeconds: env.SLA_FIRST_REPLY_SECONDS, followUpSeconds: env.SLA_FOLLOW_UP_SECONDS },
      autoCloseSeconds: env.AUTO_CLOSE_AFTER_SECONDS,
      scheduleHorizonSeconds: env.SCHEDULED_SEND_HORIZON_DAYS * 86_400,
      businessHours: businessHoursFrom(env),
    },
    worker: {
      metricsHost: env.WORKER_METRICS_HOST,
      metricsPort: env.WORKER_METRICS_PORT,
      sdkMetricsPort: env.TEMPORAL_SDK_METRICS_PORT,
      shutdownGraceSeconds: env.WORKER_SHUTDOWN_GRACE_SECONDS,
    },
    deliveryReconciliation: {
      intervalSeconds: env.DELIVERY_RECONCILE_INTERVAL_SECONDS,
      afterSeconds: env.DELIVERY_RECONCILE_AFTER_SECONDS,
      batchSize: env.DELIVERY_RECONCILE_BATCH_SIZE,
    },
  };
}

function businessHoursFrom(env: Env): BusinessHours | null {
  if (!env.BUSINESS_HOURS) return null;
  try {
    return parseBusinessHours(env.BUSINESS_HOURS, env.BUSINESS_TIMEZONE, env.BUSINESS_CLOSED_DATES);
  } catch (error) {
    throw new ConfigError(`BUSINESS_HOURS / BUSINESS_TIMEZONE / BUSINESS_CLOSED_DATES: ${(error as Error).message}`);
  }
}

function twilioFrom(env: Env): TwilioConfig | undefined {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken } = env;
  if (!accountSid && !authToken) return undefined;
  if (!accountSid || !authToken) {
    throw new ConfigError('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together');
  }
  if (!env.TWILIO_PHONE_NUMBER && !env.TWILIO_MESSAGING_SERVICE_SID) {
    throw new ConfigError('Set TWILIO_PHONE_NUMBER or TWILIO_MESSAGING_SERVICE_SID to send messages');
  }
  return {
    accountSid,
    authToken,
    phoneNumber: env.TWILIO_PHONE_NUMBER,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
    ...(env.TWILIO_SENDER_NUMBERS.length > 0 ? { senderNumbers: env.TWILIO_SENDER_NUMBERS } : {}),
    apiBaseUrl: env.TWILIO_API_BASE_URL,
  };
}
