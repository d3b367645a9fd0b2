// The worker's activities, built from their dependencies, in two sets by how they run:
// database activities run as local activities (inside the workflow task that asks for them),
// the Twilio send once locally and then, if that attempt may succeed later, as a normal activity
// (its own task, retried with backoff for minutes).
import { createConversationActivities } from './conversation-activities.ts';
import { unexportedWorkerMetrics } from '../metrics/worker-metrics.ts';
import { withActivityContext } from './activity-logger.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { createOutboundRecordActivities, createSendActivities } from './outbound-activities.ts';
import { createParkedJobActivities } from './parked-job-activities.ts';
import { createReconciliationActivities } from './reconciliation-activities.ts';
import { createScheduledMessageActivities } from './scheduled-activities.ts';
import { createStatusActivities } from './status-activities.ts';
import { classifyingStoreErrors } from './store-errors.ts';

export type { ActivityDependencies } from './dependencies.ts';

/** Whether PostgreSQL answers at all, within a few seconds. */
function databaseProbe({ db }: ActivityDependencies) {
  return async (): Promise<boolean> => {
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3_000).unref());
    const answer = db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    return Promise.race([answer, timeout]);
  };
}

/** Every activity logs with its workflow and activity ids, and counts into some registry. */
function prepared(deps: ActivityDependencies): ActivityDependencies & { metrics: NonNullable<ActivityDependencies['metrics']> } {
  return { ...deps, log: withActivityContext(deps.log), metrics: deps.metrics ?? unexportedWorkerMetrics() };
}

export function createDbActivities(given: ActivityDependencies) {
  const deps = prepared(given);
  return classifyingStoreErrors({
    ...createConversationActivities(deps),
    ...createOutboundRecordActivities(deps),
    ...createStatusActivities(deps),
    ...createParkedJobActivities(deps),
    ...createScheduledMessageActivities(deps),
  }, databaseProbe(deps));
}

export function createTwilioActivities(given: ActivityDependencies) {
  return createSendActivities(prepared(given));
}

/**
 * Delivery reconciliation (a normal activity of its own workflow, reconcile-deliveries.ts):
 * a set apart, so the conversation workflow's proxies do not offer it.
 */
export function createDeliveryReconciliationActivities(given: ActivityDependencies) {
  return createReconciliationActivities(prepared(given));
}

export function createActivities(given: ActivityDependencies) {
  // One metrics set for both, so a registry nobody reads is not made twice.
  const deps = { ...given, metrics: given.metrics ?? unexportedWorkerMetrics() };
  return { ...createDbActivities(deps), ...createTwilioActivities(deps), ...createDeliveryReconciliationActivities(deps) };
}

export type DbActivities = ReturnType<typeof createDbActivities>;
export type TwilioActivities = ReturnType<typeof createTwilioActivities>;
export type Activities = DbActivities & TwilioActivities;
export type DeliveryReconciliationActivities = ReturnType<typeof createDeliveryReconciliationActivities>;
