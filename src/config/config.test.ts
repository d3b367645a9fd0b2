// Configuration is read and validated once; mistakes are reported by variable name, and the
// Twilio auth token never appears in an error.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const MESSAGING_SERVICE_SID = 'MG' + 'fedcba9876543210'.repeat(2);
const TOKEN = 'tok_5ecr3t_value_9d8f7e6a5b4c';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('falls back to the defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      logLevel: 'info',
      logFormat: 'auto',
      api: { host: '127.0.0.1', port: 3000, baseUrl: 'http://localhost:3000', webhookBodyLimit: '64kb', sessionTtlHours: 12 },
      dataDir: '.data',
      database: { url: undefined, embeddedPort: 5433, preparedStatements: true },
      temporal: {
        address: undefined,
        namespace: 'default',
        taskQueue: 'sms-conversations',
        cliPath: undefined,
        port: 7233,
        uiPort: 8233,
        uiUrl: undefined,
      },
      twilio: undefined,
      emulatorPort: 3100,
      autoReply: { limit: 3, windowSeconds: 600 },
      closedConversationLingerSeconds: 3600,
      timekeeping: {
        sla: { firstReplySeconds: 900, followUpSeconds: 1800 },
        autoCloseSeconds: 86_400,
        scheduleHorizonSeconds: 30 * 86_400,
        businessHours: null,
      },
      worker: { metricsHost: '127.0.0.1', metricsPort: 9464, sdkMetricsPort: 9465, shutdownGraceSeconds: 30 },
      deliveryReconciliation: { intervalSeconds: 300, afterSeconds: 600, batchSize: 100 },
    });
  });

  it('reads delivery reconciliation settings, 0 turning the schedule off, and refuses a batch over 500', () => {
    const config = loadConfig({ DELIVERY_RECONCILE_INTERVAL_SECONDS: '0', DELIVERY_RECONCILE_AFTER_SECONDS: '120', DELIVERY_RECONCILE_BATCH_SIZE: '20' });
    expect(config.deliveryReconciliation).toEqual({ intervalSeconds: 0, afterSeconds: 120, batchSize: 20 });
    expect(configError({ DELIVERY_RECONCILE_BATCH_SIZE: '501' }).message).toContain('DELIVERY_RECONCILE_BATCH_SIZE');
    expect(configError({ DELIVERY_RECONCILE_AFTER_SECONDS: '0' }).message).toContain('DELIVERY_RECONCILE_AFTER_SECONDS');
  });

  it('reads the console session lifetime in hours and refuses one outside 1..720', () => {
    expect(loadConfig({ SESSION_TTL_HOURS: '8' }).api.sessionTtlHours).toBe(8);
    expect(configError({ SESSION_TTL_HOURS: '0' }).message).toContain('SESSION_TTL_HOURS');
    expect(configError({ SESSION_TTL_HOURS: '721' }).message).toContain('SESSION_TTL_HOURS');
  });

  it('reads opening hours in their time zone, and names the variable of a bad one', () => {
    const config = loadConfig({ BUSINESS_HOURS: 'Mon-Fri 09:00-17:30, Sat 10:00-14:00', BUSINESS_TIMEZONE: 'Europe/London', BUSINESS_CLOSED_DATES: '2026-12-25, 2026-12-26' });
    expect(config.timekeeping.businessHours).toEqual({
      timeZone: 'Europe/London',
      intervals: [
        ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '17:30' })),
        { weekday: 6, open: '10:00', close: '14:00' },
      ],
      closedDates: ['2026-12-25', '2026-12-26'],
    });
    expect(configError({ BUSINESS_HOURS: 'Mon-Fri 9-5' }).message).toContain('BUSINESS_HOURS');
    expect(configError({ BUSINESS_HOURS: 'Mon 09:00-17:00', BUSINESS_TIMEZONE: 'Mars/Olympus' }).message).toContain('time zone');
    expect(configError({ BUSINESS_HOURS: 'Mon 17:00-09:00' }).message).toContain('opening must come before closing');
    expect(configError({ SLA_FIRST_REPLY_SECONDS: '-1' }).message).toContain('SLA_FIRST_REPLY_SECONDS');
  });

  it('treats blank optional values as unset', () => {
    const config = loadConfig({ DATABASE_URL: '  ', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: ' ', API_BASE_URL: '' });
    expect(config.database.url).toBeUndefined();
    expect(config.twilio).toBeUndefined();
    expect(config.api.baseUrl).toBe('http://localhost:3000');
  });

  it('reads numbers from strings and derives the base URL from the port', () => {
    const config = loadConfig({ API_PORT: '8080', AUTO_REPLY_LIMIT: '5', AUTO_REPLY_WINDOW_SECONDS: '120' });
    expect(config.api.port).toBe(8080);
    expect(config.api.baseUrl).toBe('http://localhost:8080');
    expect(config.autoReply).toEqual({ limit: 5, windowSeconds: 120 });
  });

  it('trims the trailing slash from API_BASE_URL', () => {
    expect(loadConfig({ API_BASE_URL: 'https://sms.example.com/' }).api.baseUrl).toBe('https://sms.example.com');
    expect(loadConfig({ API_BASE_URL: 'https://abc.ngrok.app/sms//' }).api.baseUrl).toBe('https://abc.ngrok.app/sms');
    expect(loadConfig({ API_BASE_URL: ' https://sms.example.com ' }).api.baseUrl).toBe('https://sms.example.com');
  });

  it('rejects an API_BASE_URL that is not a URL, naming the variable', () => {
    expect(configError({ API_BASE_URL: 'sms.example.com without scheme' }).message).toContain('API_BASE_URL');
  });

  it('builds the Twilio config from a SID, a token and a phone number', () => {
    const config = loadConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' });
    expect(config.twilio).toEqual({
      accountSid: SID,
      authToken: TOKEN,
      phoneNumber: '+447488879172',
      messagingServiceSid: undefined,
      apiBaseUrl: undefined,
    });
  });

  it('accepts a messaging service instead of a phone number', () => {
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_MESSAGING_SERVICE_SID: MESSAGING_SERVICE_SID,
    });
    expect(config.twilio?.messagingServiceSid).toBe(MESSAGING_SERVICE_SID);
    expect(config.twilio?.phoneNumber).toBeUndefined();
  });

  it('reads TWILIO_SENDER_NUMBERS as a comma-separated list of E.164 numbers, naming the variable when one is not', () => {
    const twilio = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' };
    expect(loadConfig({ ...twilio, TWILIO_SENDER_NUMBERS: ' +15005550006, +447700900001 ,' }).twilio?.senderNumbers).toEqual([
      '+15005550006',
      '+447700900001',
    ]);
    expect(loadConfig({ ...twilio, TWILIO_SENDER_NUMBERS: '' }).twilio?.senderNumbers).toBeUndefined();
    expect(configError({ ...twilio, TWILIO_SENDER_NUMBERS: '+15005550006,main line' }).message).toContain('TWILIO_SENDER_NUMBERS');
  });

  it('rejects an invalid TWILIO_ACCOUNT_SID, naming the variable', () => {
    for (const sid of ['AC123', 'SK' + '0'.repeat(32), SID + '0', 'AC' + 'g'.repeat(32)]) {
      const error = configError({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' });
      expect(error.message, sid).toContain('TWILIO_ACCOUNT_SID');
    }
  });

  it('rejects an invalid TWILIO_PHONE_NUMBER, naming the variable', () => {
    for (const phone of ['07488879172', '+0447488879172', '+44 7488 879172', '+1234567890123456', 'not-a-number']) {
      const error = configError({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: phone });
      expect(error.message, phone).toContain('TWILIO_PHONE_NUMBER');
    }
  });

  it('rejects an invalid TWILIO_MESSAGING_SERVICE_SID, naming the variable', () => {
    const error = configError({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_MESSAGING_SERVICE_SID: 'MG123' });
    expect(error.message).toContain('TWILIO_MESSAGING_SERVICE_SID');
  });

  it('rejects a SID without a token and a token without a SID', () => {
    expect(configError({ TWILIO_ACCOUNT_SID: SID, TWILIO_PHONE_NUMBER: '+447488879172' }).message).toContain('TWILIO_AUTH_TOKEN');
    expect(configError({ TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' }).message).toContain('TWILIO_ACCOUNT_SID');
  });

  it('rejects credentials with neither a phone number nor a messaging service', () => {
    const error = configError({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN });
    expect(error.message).toContain('TWILIO_PHONE_NUMBER');
    expect(error.message).toContain('TWILIO_MESSAGING_SERVICE_SID');
  });

  it('rejects out-of-range numbers and unknown enum values, naming each variable', () => {
    const error = configError({ API_PORT: '70000', AUTO_REPLY_WINDOW_SECONDS: '0', LOG_LEVEL: 'verbose', NODE_ENV: 'staging' });
    for (const name of ['API_PORT', 'AUTO_REPLY_WINDOW_SECONDS', 'LOG_LEVEL', 'NODE_ENV']) expect(error.message).toContain(name);
  });

  it('never puts the auth token in an error message', () => {
    const envs: NodeJS.ProcessEnv[] = [
      { TWILIO_ACCOUNT_SID: 'AC-bad', TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' },
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: 'nope' },
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN },
      { TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' },
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172', TWILIO_API_BASE_URL: 'not a url' },
      // A token pasted into the wrong variable.
      { TWILIO_ACCOUNT_SID: TOKEN, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+447488879172' },
    ];
    for (const env of envs) {
      const error = configError(env);
      expect(error.message, JSON.stringify(env)).not.toContain(TOKEN);
      expect(String(error.stack), JSON.stringify(env)).not.toContain(TOKEN);
    }
  });
});

describe('loadConfig: Temporal TLS and API key', () => {
  const ADDRESS = { TEMPORAL_ADDRESS: 'sms.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'sms.a1b2c' };
  const API_KEY = 'eyJhbGciOi.temporal-cloud-api-key.secret-part';

  it('uses plain gRPC when nothing is set', () => {
    const config = loadConfig(ADDRESS);
    expect(config.temporal.tls).toBeUndefined();
    expect(config.temporal.apiKey).toBeUndefined();
  });

  it('prepares statements unless DATABASE_PREPARED_STATEMENTS is false, and refuses anything but true/false', () => {
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).database.preparedStatements).toBe(false);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: ' true ' }).database.preparedStatements).toBe(true);
    expect(configError({ DATABASE_PREPARED_STATEMENTS: 'off' }).message).toContain('DATABASE_PREPARED_STATEMENTS');
  });

  it('turns TLS on for mTLS files, a CA, an explicit TEMPORAL_TLS=true, or an API key', () => {
    expect(loadConfig({ ...ADDRESS, TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/certs/client.key' }).temporal.tls).toEqual({
      clientCertPath: '/certs/client.pem',
      clientKeyPath: '/certs/client.key',
    });
    expect(loadConfig({ ...ADDRESS, TEMPORAL_TLS_SERVER_CA_PATH: '/certs/ca.pem', TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporal.tls).toEqual({
      serverRootCaPath: '/certs/ca.pem',
      serverName: 'temporal.internal',
    });
    expect(loadConfig({ ...ADDRESS, TEMPORAL_TLS: 'true' }).temporal.tls).toEqual({});
    const cloud = loadConfig({ ...ADDRESS, TEMPORAL_API_KEY: ` ${API_KEY} ` });
    expect(cloud.temporal).toMatchObject({ tls: {}, apiKey: API_KEY, namespace: 'sms.a1b2c' });
    expect(loadConfig({ ...ADDRESS, TEMPORAL_TLS: 'false' }).temporal.tls).toBeUndefined();
  });

  it('refuses a client certificate without its key, and a key without its certificate, naming both variables', () => {
    for (const env of [{ TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem' }, { TEMPORAL_TLS_CLIENT_KEY_PATH: '/certs/client.key' }]) {
      const { message } = configError({ ...ADDRESS, ...env });
      expect(message).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH');
      expect(message).toContain('TEMPORAL_TLS_CLIENT_KEY_PATH');
    }
  });

  it('refuses TEMPORAL_TLS=false next to TLS files or an API key', () => {
    expect(configError({ ...ADDRESS, TEMPORAL_TLS: 'false', TEMPORAL_TLS_SERVER_CA_PATH: '/certs/ca.pem' }).message).toContain('TEMPORAL_TLS_SERVER_CA_PATH');
    const { message } = configError({ ...ADDRESS, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY });
    expect(message).toContain('TEMPORAL_API_KEY');
    expect(message).not.toContain(API_KEY);
  });

  it('refuses TLS settings or an API key without TEMPORAL_ADDRESS (the embedded dev server has no TLS)', () => {
    expect(configError({ TEMPORAL_API_KEY: API_KEY }).message).toMatch(/TEMPORAL_API_KEY.*TEMPORAL_ADDRESS/);
    expect(configError({ TEMPORAL_TLS: 'true' }).message).toMatch(/TEMPORAL_TLS.*TEMPORAL_ADDRESS/);
  });

  it('rejects a TEMPORAL_TLS that is not true or false, naming it', () => {
    expect(configError({ ...ADDRESS, TEMPORAL_TLS: 'yes' }).message).toContain('TEMPORAL_TLS');
  });

  it('never puts the API key in an error message', () => {
    const envs: NodeJS.ProcessEnv[] = [
      { TEMPORAL_API_KEY: API_KEY },
      { ...ADDRESS, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY },
      { ...ADDRESS, TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem' },
      { ...ADDRESS, TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS: 'maybe' },
    ];
    for (const env of envs) {
      const error = configError(env);
      expect(String(error.stack), JSON.stringify(Object.keys(env))).not.toContain(API_KEY);
    }
  });
});
