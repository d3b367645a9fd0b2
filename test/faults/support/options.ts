// The fault test's knobs, read once from FAULT_* environment variables. The defaults fit the
// whole run (start, load with faults, settling, checks) into about two minutes on 2 cores.

export interface FaultOptions {
  /** Distinct customer texts to deliver (before duplicates). */
  texts: number;
  /** Customers the texts come from (one conversation each). */
  customers: number;
  /** Texts per second, steady, across all customers. */
  ratePerSecond: number;
  /** Share of texts Twilio delivers twice, concurrently, with the same MessageSid. */
  duplicateShare: number;
  /** Share of customers who text STOP part-way and then keep texting. */
  optOutShare: number;
  /** SIGKILLs of the worker during the load (each followed by an immediate restart). */
  workerKills: number;
  /** SIGKILL + restart of the Temporal server (same port, same SQLite file). */
  temporalRestarts: number;
  /** How long the Temporal server stays dead before it is restarted. */
  temporalDownMs: number;
  /** SIGKILL + immediate restart of the API. */
  apiRestarts: number;
  /** Seed of the customers' scripts (which texts, in which order); timing is not seeded. */
  seed: number;
  /** A webhook delivery is retried (backoff) until acknowledged for at most this long. */
  deliveryDeadlineMs: number;
  /** Upper bound for the system to settle after the load. */
  settleTimeoutMs: number;
  /**
   * Re-post a status callback the API did not answer 2xx, as Twilio does when the callback URL
   * carries connection overrides (`#rc=…&rp=…`). Off: lost callbacks leave replies non-final.
   */
  retryStatusCallbacks: boolean;
  /** Keep the temp dir (process logs, figures.json) even when the test passes. */
  keepLogs: boolean;
}

function numberFrom(name: string, fallback: number, check: (value: number) => boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name}=${raw} is not a valid value`);
  return value;
}

const positiveInteger = (value: number) => Number.isInteger(value) && value > 0;
const nonNegativeInteger = (value: number) => Number.isInteger(value) && value >= 0;
const share = (value: number) => value >= 0 && value <= 1;

export function faultOptions(): FaultOptions {
  const texts = numberFrom('FAULT_TEXTS', 300, positiveInteger);
  const options: FaultOptions = {
    texts,
    customers: numberFrom('FAULT_CUSTOMERS', Math.max(1, Math.min(100, Math.round(texts / 4))), positiveInteger),
    ratePerSecond: numberFrom('FAULT_RATE', 3, (value) => value > 0 && value <= 50),
    duplicateShare: numberFrom('FAULT_DUPLICATE_SHARE', 0.33, share),
    optOutShare: numberFrom('FAULT_OPT_OUT_SHARE', 0.12, share),
    workerKills: numberFrom('FAULT_WORKER_KILLS', 6, nonNegativeInteger),
    temporalRestarts: numberFrom('FAULT_TEMPORAL_RESTARTS', 1, nonNegativeInteger),
    temporalDownMs: numberFrom('FAULT_TEMPORAL_DOWN_MS', 4_000, nonNegativeInteger),
    apiRestarts: numberFrom('FAULT_API_RESTARTS', 1, nonNegativeInteger),
    seed: numberFrom('FAULT_SEED', 20261130, nonNegativeInteger),
    deliveryDeadlineMs: numberFrom('FAULT_DELIVERY_DEADLINE_MS', 120_000, positiveInteger),
    settleTimeoutMs: numberFrom('FAULT_SETTLE_TIMEOUT_MS', 150_000, positiveInteger),
    retryStatusCallbacks: process.env.FAULT_RETRY_STATUS_CALLBACKS !== '0',
    keepLogs: process.env.FAULT_KEEP_LOGS === '1',
  };
  if (options.customers > options.texts) options.customers = options.texts;
  return options;
}
