// The worker's activities, built from their dependencies.
import { createConversationActivities } from './conversation-activities.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { createOutboundActivities } from './outbound-activities.ts';
import { createStatusActivities } from './status-activities.ts';

export type { ActivityDependencies } from './dependencies.ts';

export function createActivities(deps: ActivityDependencies) {
  return {
    ...createConversationActivities(deps),
    ...createOutboundActivities(deps),
    ...createStatusActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
