// What the worker's /readyz reports about the worker itself: whether a worker is polling right
// now (not while it starts, restarts after a failure or drains on SIGTERM), and whether Temporal
// answers on the connection that worker uses. The supervisor keeps it up to date.
import type { NativeConnection } from '@temporalio/worker';
import type { ReadinessCheck } from '../ops/readiness.ts';

export type WorkerPhase = 'starting' | 'running' | 'draining' | 'stopped';

export class WorkerStatus {
  phase: WorkerPhase = 'starting';
  /** The native connection of the current worker, while there is one. */
  connection: NativeConnection | undefined;
}

export function workerPollingCheck(status: WorkerStatus): ReadinessCheck {
  return {
    name: 'worker',
    run: async () => (status.phase === 'running' ? { ok: true } : { ok: false, reason: status.phase }),
  };
}

/** Temporal answers GetSystemInfo on the worker's own connection (its address, TLS and key). */
export function workerTemporalCheck(status: WorkerStatus): ReadinessCheck {
  return {
    name: 'temporal',
    async run() {
      const connection = status.connection;
      if (!connection) return { ok: false, reason: 'not connected' };
      await connection.workflowService.getSystemInfo({});
      return { ok: true };
    },
  };
}
