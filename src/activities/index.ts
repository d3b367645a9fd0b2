// The worker's activities, built from their dependencies, in two sets by how they run:
// database activities run as local activities (inside the workflow task that asks for them),
// the Twilio send as a normal activity (its own task, retried with backoff for minutes).
import { createConversationActivities } from './conversation-activities.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { createOutboundRecordActivities, createSendActivities } from './outbound-activities.ts';
import { createParkedJobActivities } from './parked-job-activities.ts';
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

export function createDbActivities(deps: ActivityDependencies) {
  return classifyingStoreErrors({
    ...createConversationActivities(deps),
    ...createOutboundRecordActivities(deps),
    ...createStatusActivities(deps),
    ...createParkedJobActivities(deps),
  }, databaseProbe(deps));
}

export function createTwilioActivities(deps: ActivityDependencies) {
  return createSendActivities(deps);
}

export function createActivities(deps: ActivityDependencies) {
  return { ...createDbActivities(deps), ...createTwilioActivities(deps) };
}

export type DbActivities = ReturnType<typeof createDbActivities>;
export type TwilioActivities = ReturnType<typeof createTwilioActivities>;
export type Activities = DbActivities & TwilioActivities;
