import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

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

/** auto: readable on a terminal, JSON lines when stdout is a pipe or file (log shippers). */
export type LogFormat = 'auto' | 'json' | 'pretty';

export function createLogger(level: string, name = 'sms', format: LogFormat = 'json'): Logger {
  const options = { name, level, redact: { paths: REDACT, censor: '[redacted]' } };
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true) ? prettyStream() : undefined;
  return pretty ? pino(options, pretty) : pino(options);
}

/**
 * pino-pretty in this thread (not a worker-thread transport, so a crash's last lines are not
 * lost), or undefined when it is not installed (an image built without it): JSON lines then.
 */
function prettyStream(): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pinoPretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
    return pinoPretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}
