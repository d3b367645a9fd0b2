import { pino, type Logger } from 'pino';

export type { Logger };

// Secrets must never reach a log line, even when a whole config or request is logged by mistake.
const REDACT = [
  '*.authToken',
  '*.TWILIO_AUTH_TOKEN',
  'authToken',
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'headers.authorization',
];

export function createLogger(level: string, name = 'sms'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
