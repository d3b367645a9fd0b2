// Sends the Temporal SDK's own log lines (worker state, bundling, workflow logs, and those of its
// Rust core) through our pino logger. The SDK is chatty at INFO (it prints the whole webpack
// report), so it logs one level above ours unless we are debugging.
import { Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from './logger.ts';

const SDK_LEVEL: Record<string, LogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'WARN',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

let installed = false;

/** Must run before the first worker or native connection is created; later calls do nothing. */
export function installTemporalRuntime(log: Logger, level: string): void {
  if (installed) return;
  installed = true;
  const sdkLog = log.child({ component: 'temporal-sdk' });
  const minimum = SDK_LEVEL[level] ?? 'WARN';
  const order: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
  const enabled = (candidate: LogLevel) => order.indexOf(candidate) >= order.indexOf(minimum);
  const write = (at: LogLevel, method: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => {
    if (enabled(at)) sdkLog[method](meta ?? {}, message);
  };
  Runtime.install({
    // Our processes stop on SIGINT/SIGTERM themselves (ShutdownStack aborts its signal, which
    // shuts the worker down in order). The SDK's own handler would stop workers behind that
    // back — and leave the Runtime refusing to run new ones, which the worker supervisor starts.
    shutdownSignals: [],
    // The SDK's Rust core (connections, poll retries while Temporal is away) logs through the
    // same pino logger as JSON lines, instead of printing coloured text to stderr.
    telemetryOptions: { logging: { forward: {}, filter: { core: minimum, other: 'ERROR' } } },
    logger: {
      log: (at, message, meta) => write(at, at.toLowerCase() as 'info')(message, meta),
      trace: write('TRACE', 'trace'),
      debug: write('DEBUG', 'debug'),
      info: write('INFO', 'info'),
      warn: write('WARN', 'warn'),
      error: write('ERROR', 'error'),
    },
  });
}
