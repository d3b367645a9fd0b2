// One Prometheus registry per process, handed down from the composition root (worker.ts,
// api/server.ts, runtime/start-system.ts, the test stack) rather than prom-client's global one:
// two stacks in one test process, or the API and the worker in `npm start`, then never fight
// over a metric name, and each /metrics shows exactly what its process does.
import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry };

export function createMetricsRegistry(options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  // CPU, memory, event-loop lag, GC: what tells a stuck or leaking process apart.
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Builds a set of metrics once per registry. When the API and the worker share a registry (the
 * embedded start, the test stack), both ask for their set and get the same instances, instead
 * of prom-client refusing a second registration of the same name.
 */
export function memoizedPerRegistry<T>(build: (registry: Registry) => T): (registry: Registry) => T {
  const built = new WeakMap<Registry, T>();
  return (registry) => {
    let metrics = built.get(registry);
    if (!metrics) {
      metrics = build(registry);
      built.set(registry, metrics);
    }
    return metrics;
  };
}

/** Latency buckets (seconds) for work that should take milliseconds and must stay under Twilio's 15 s. */
export const REQUEST_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
