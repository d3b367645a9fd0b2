// Commands print their result on stdout (a token, a summary) and keep logs on stderr, so the
// output can be piped or captured without log lines mixed in.
import { pino } from 'pino';
import type { Logger } from '../infra/logger.ts';

/** Quiet (warnings and errors) unless LOG_LEVEL asks for more. */
export function createCliLogger(configuredLevel: string, name: string): Logger {
  const level = process.env.LOG_LEVEL?.trim() ? configuredLevel : 'warn';
  return pino({ name, level }, pino.destination({ fd: 2, sync: true }));
}
