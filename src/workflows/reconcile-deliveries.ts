// One run of delivery reconciliation, started by a Temporal Schedule (delivery-schedule.ts):
// a small workflow of its own, so it never touches a conversation's history. The work is one
// normal activity; the workflow is the durable, observable record of each run.
import { proxyActivities } from '@temporalio/workflow';
import type { DeliveryReconciliationActivities } from '../activities/index.ts';
import type { ReconcileDeliveriesInput, ReconcileDeliveriesSummary } from '../shared/delivery-reconciliation.ts';

/**
 * Safe to run again: a message already settled is no longer selected, and audit rows are keyed
 * by what Twilio answered. Bounded, because the schedule's next run tries anyway; the
 * heartbeat lets a batch of slow Twilio calls run long while a dead worker is noticed soon.
 */
const reconciliation = proxyActivities<DeliveryReconciliationActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
  },
});

export async function reconcileDeliveriesWorkflow(input: ReconcileDeliveriesInput): Promise<ReconcileDeliveriesSummary> {
  return reconciliation.reconcileStuckDeliveries(input);
}
