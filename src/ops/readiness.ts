// Readiness: whether this process can do its job right now (PostgreSQL answers, the schema is
// migrated, Temporal answers, and for the worker, that it polls). A load balancer or Kubernetes
// takes a process out of rotation while /readyz says 503, and the body names what is missing.
// The answer names each failing check with a short, fixed reason; the error itself (which can
// name internal hosts) goes to the log, once per change, not into a public response.
import type { Logger } from '../infra/logger.ts';
import { describeError } from '../infra/wait-for-service.ts';

export interface CheckOutcome {
  ok: boolean;
  /** Short and fixed, fit for a public response ("not answering", "2 pending"). */
  reason?: string;
  /** Extra public detail, e.g. the names of pending migrations. */
  detail?: Record<string, unknown>;
}

export interface ReadinessCheck {
  name: string;
  /** Resolves with the outcome, or throws (counted as "not answering"). */
  run(): Promise<CheckOutcome | void>;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  /** The names of the failing checks. */
  notReady: string[];
  checks: Record<string, { status: 'ok' | 'failing'; reason?: string } & Record<string, unknown>>;
}

/** Probes answer within seconds; Kubernetes' default probe timeout is 1 s, so set it to ≥ 3 s. */
export const CHECK_TIMEOUT_MS = 2_000;

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(ms)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`did not answer within ${ms} ms`);
  }
}

export type Readiness = () => Promise<ReadinessReport>;

export function createReadiness(checks: ReadinessCheck[], log: Logger, timeoutMs = CHECK_TIMEOUT_MS): Readiness {
  const lastOk = new Map<string, boolean>();
  return async () => {
    const outcomes = await Promise.all(
      checks.map(async (check) => {
        let outcome: CheckOutcome;
        let error: unknown;
        try {
          outcome = (await bounded(check.run(), timeoutMs)) ?? { ok: true };
        } catch (caught) {
          error = caught;
          outcome = { ok: false, reason: caught instanceof CheckTimeout ? caught.message : 'not answering' };
        }
        // Logged when a check changes, not on every probe every few seconds.
        if (lastOk.get(check.name) !== outcome.ok && (lastOk.has(check.name) || !outcome.ok)) {
          if (outcome.ok) log.info({ check: check.name }, `readiness: ${check.name} is ok again`);
          else log.warn({ check: check.name, reason: error === undefined ? outcome.reason : describeError(error) }, `readiness: ${check.name} is not ready`);
        }
        lastOk.set(check.name, outcome.ok);
        return { name: check.name, outcome };
      }),
    );
    const report: ReadinessReport = { status: 'ready', notReady: [], checks: {} };
    for (const { name, outcome } of outcomes) {
      report.checks[name] = { status: outcome.ok ? 'ok' : 'failing', ...(outcome.reason ? { reason: outcome.reason } : {}), ...outcome.detail };
      if (!outcome.ok) report.notReady.push(name);
    }
    if (report.notReady.length > 0) report.status = 'not_ready';
    return report;
  };
}
