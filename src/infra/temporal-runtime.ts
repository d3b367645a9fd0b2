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

export interface TemporalRuntimeOptions {
  /**
   * host:port where the SDK serves its own Prometheus metrics (worker task slots, poll and
   * schedule-to-start latencies, sticky cache, activity and workflow task failures), on its
   * own HTTP server inside the SDK's core (TEMPORAL_SDK_METRICS_PORT). Absent: not exported.
   */
  metricsBindAddress?: string;
}

/** Must run before the first worker or native connection is created; later calls do nothing. */
export function installTemporalRuntime(log: Logger, level: string, options: TemporalRuntimeOptions = {}): void {
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
    telemetryOptions: {
      logging: { forward: {}, filter: { core: minimum, other: 'ERROR' } },
      // Prometheus names: counters end in _total, durations in seconds, as our own metrics do.
      ...(options.metricsBindAddress
        ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true } } }
        : {}),
    },
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

/** host:port for the SDK's exporter, or undefined when the port is 0 (off). */
export function sdkMetricsBindAddress(host: string, port: number): string | undefined {
  if (port === 0) return undefined;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
