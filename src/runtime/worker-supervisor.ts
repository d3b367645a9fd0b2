// Keeps a conversation worker running for as long as the process runs. The worker waits for
// Temporal at start (service-connections.ts), and when `worker.run()` fails later — the Temporal
// server was away longer than the SDK's core keeps retrying its polls, or anything else went
// wrong inside the worker — the failure is logged at error and a new connection and worker take
// over after a backoff, instead of the process exiting. The workflow bundle is built once,
// before anything else: a broken bundle is a bug no restart fixes, so it rejects (and the
// process exits with it in the log).
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, Runtime, type NativeConnection, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { connectWorkerToTemporal } from '../infra/service-connections.ts';
import type { TemporalConnectionOptions } from '../infra/temporal-connection-options.ts';
import { backoffDelay, type BackoffOptions } from '../infra/wait-for-service.ts';
import { createConversationWorker, WORKFLOWS_PATH, type ConversationWorkerOptions } from '../temporal/create-worker.ts';
import type { Logger } from '../infra/logger.ts';
import type { DeliveryReconciliationConfig } from '../config/config.ts';
import { ensureDeliveryReconciliationSchedule } from '../temporal/delivery-schedule.ts';
import { WorkerStatus } from './worker-status.ts';

/** A worker that ran this long before failing was healthy: the next restart comes quickly. */
const HEALTHY_RUN_MS = 60_000;

export interface SupervisedWorkerOptions extends Omit<ConversationWorkerOptions, 'connection'> {
  /** The Temporal frontend (host:port) and how to authenticate to it. */
  temporal: TemporalConnectionOptions;
  /** Aborting drains the worker (in-flight activities get `shutdownGraceSeconds`) and ends supervision. */
  signal: AbortSignal;
  /** Waits between connection attempts and between restarts. */
  backoff?: BackoffOptions;
  /** Called each time a worker starts polling (after the first start and after each restart). */
  onRunning?: () => void;
  /** Kept up to date for /readyz: polling or not, and the current connection. */
  status?: WorkerStatus;
  /** The delivery-reconciliation schedule this worker makes sure of at each start; absent: left alone. */
  deliveryReconciliation?: DeliveryReconciliationConfig;
}

/** Builds the workflow bundle once, so every worker the supervisor creates reuses it. */
export async function bundleConversationWorkflows(): Promise<WorkflowBundleOption> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: Runtime.instance().logger });
  return { code };
}

/**
 * Runs the worker, recreating its connection and itself whenever it fails, until `signal` is
 * aborted; then resolves once the worker has shut down. Rejects only on what waiting cannot
 * fix: a workflow bundle that does not build, an invalid Temporal address.
 */
export async function superviseConversationWorker(options: SupervisedWorkerOptions): Promise<void> {
  const { log, signal } = options;
  const { address } = options.temporal;
  const workflowBundle = options.workflowBundle ?? (await bundleConversationWorkflows());
  const status = options.status ?? new WorkerStatus();
  let failuresInARow = 0;
  for (let generation = 1; !signal.aborted; generation += 1) {
    status.phase = 'starting';
    let connection: NativeConnection;
    try {
      connection = await connectWorkerToTemporal(options.temporal, { log, signal, ...options.backoff });
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    status.connection = connection;
    const startedAt = Date.now();
    let failure: unknown;
    if (options.deliveryReconciliation) await ensureSchedule(connection, options, options.deliveryReconciliation);
    try {
      const worker = await createConversationWorker({ ...options, connection, workflowBundle });
      await runUntilAborted(worker, { signal, log, status, graceSeconds: options.shutdownGraceSeconds ?? 0 }, () => {
        log.info({ taskQueue: options.taskQueue, address, ...(generation > 1 ? { restarts: generation - 1 } : {}) }, 'worker running');
        options.onRunning?.();
      });
    } catch (error) {
      failure = error;
    } finally {
      status.connection = undefined;
      await connection.close().catch((error: unknown) => log.warn({ err: error }, 'closing the worker connection failed'));
    }
    if (signal.aborted) {
      status.phase = 'stopped';
      if (failure !== undefined) log.warn({ err: failure }, 'the worker did not drain cleanly');
      return;
    }

    failuresInARow = Date.now() - startedAt >= HEALTHY_RUN_MS ? 1 : failuresInARow + 1;
    const restartInMs = backoffDelay(failuresInARow, options.backoff);
    log.error(
      { err: failure, restartInMs, failuresInARow },
      failure === undefined
        ? `worker stopped on its own; starting a new one in ${restartInMs} ms`
        : `worker failed; recreating its connection and worker in ${restartInMs} ms`,
    );
    await sleep(restartInMs, undefined, { signal }).catch(() => undefined);
  }
}

/**
 * At every worker start, so a changed interval applies with the next deploy. A failure is
 * logged, not fatal: the schedule is upkeep, and the next start tries again.
 */
async function ensureSchedule(connection: NativeConnection, options: SupervisedWorkerOptions, config: DeliveryReconciliationConfig): Promise<void> {
  try {
    const client = new Client({ connection, namespace: options.namespace });
    await ensureDeliveryReconciliationSchedule(client, { ...config, taskQueue: options.taskQueue, log: options.log });
  } catch (error) {
    options.log.warn({ err: error }, 'could not create or update the delivery reconciliation schedule; trying again at the next worker start');
  }
}

interface RunContext {
  signal: AbortSignal;
  log: Logger;
  status: WorkerStatus;
  graceSeconds: number;
}

async function runUntilAborted(worker: Worker, { signal, log, status, graceSeconds }: RunContext, onRunning: () => void): Promise<void> {
  const running = worker.run();
  let drainingSince: number | undefined;
  // Signals reach the worker only this way: installTemporalRuntime turns the SDK's own off.
  const stop = () => {
    if (worker.getState() !== 'RUNNING') return;
    drainingSince = Date.now();
    status.phase = 'draining';
    const { numInFlightActivities, numInFlightWorkflowActivations } = worker.getStatus();
    log.info(
      { inFlightActivities: numInFlightActivities, inFlightWorkflowTasks: numInFlightWorkflowActivations, graceSeconds },
      `worker draining: polling stopped; in-flight activities get ${graceSeconds} s to finish`,
    );
    worker.shutdown();
  };
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  status.phase = 'running';
  onRunning();
  try {
    await running;
    if (drainingSince !== undefined) log.info({ drainMs: Date.now() - drainingSince }, 'worker drained and stopped');
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
