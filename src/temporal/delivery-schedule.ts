// The Temporal Schedule that runs delivery reconciliation. Every worker start makes it match the
// configuration: created when missing, updated when present (two workers starting at once both
// end in "updated"), deleted when reconciliation is turned off. The server keeps the timer, so
// it runs on through worker and server restarts.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { DeliveryReconciliationConfig } from '../config/config.ts';
import type { Logger } from '../infra/logger.ts';
import { DELIVERY_RECONCILIATION_SCHEDULE_ID, type ReconcileDeliveriesInput } from '../shared/delivery-reconciliation.ts';

export type ScheduleOutcome = 'created' | 'updated' | 'deleted' | 'disabled';

export async function ensureDeliveryReconciliationSchedule(
  client: Client,
  options: DeliveryReconciliationConfig & { taskQueue: string; log: Logger; scheduleId?: string },
): Promise<ScheduleOutcome> {
  const scheduleId = options.scheduleId ?? DELIVERY_RECONCILIATION_SCHEDULE_ID;
  const handle = client.schedule.getHandle(scheduleId);
  if (options.intervalSeconds === 0) {
    try {
      await handle.delete();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'disabled';
      throw error;
    }
    options.log.info({ scheduleId }, 'delivery reconciliation turned off: its schedule was deleted');
    return 'deleted';
  }

  const input: ReconcileDeliveriesInput = { olderThanSeconds: options.afterSeconds, limit: options.batchSize };
  const wanted = {
    spec: { intervals: [{ every: `${options.intervalSeconds}s` }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'reconcileDeliveriesWorkflow',
      args: [input],
      // Runs on the conversation workers: no second worker to deploy.
      taskQueue: options.taskQueue,
      workflowId: scheduleId,
      // A run never needs long; one stuck for longer is ended so the next one can start.
      workflowExecutionTimeout: `${Math.max(options.intervalSeconds * 2, 900)}s`,
    },
    policies: {
      // A slow run is never doubled; missed runs (server down) are not made up in a burst.
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: '1 minute',
    },
  } satisfies Omit<ScheduleOptions, 'scheduleId'>;

  try {
    await client.schedule.create({ scheduleId, ...wanted });
    options.log.info({ scheduleId, everySeconds: options.intervalSeconds }, 'delivery reconciliation schedule created');
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await handle.update((current) => ({ ...current, ...wanted, state: { ...current.state, paused: false } }));
  options.log.info({ scheduleId, everySeconds: options.intervalSeconds }, 'delivery reconciliation schedule updated');
  return 'updated';
}
