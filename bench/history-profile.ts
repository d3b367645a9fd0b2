// What one conversation costs Temporal: the events in its history, how many workflow tasks and
// activities that took. Every workflow task and every activity is a round trip between worker
// and server plus persisted events, so this is the per-message work the server must do.
import type { Client } from '@temporalio/client';
import { inboundMessageSignal } from '../src/shared/conversation-definitions.ts';

export interface HistoryProfile {
  workflowId: string;
  inboundTexts: number;
  events: number;
  workflowTasks: number;
  activities: Record<string, number>;
  signals: number;
  eventsByType: Record<string, number>;
}

/** An event's type from the one `…EventAttributes` field it carries (WorkflowTaskCompleted, …). */
function eventTypeOf(event: object): string {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventAttributes') && value) {
      const name = key.slice(0, -'EventAttributes'.length);
      return name.charAt(0).toUpperCase() + name.slice(1);
    }
  }
  return 'Unknown';
}


export async function profileHistory(client: Client, workflowId: string): Promise<HistoryProfile> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const eventsByType: Record<string, number> = {};
  const activities: Record<string, number> = {};
  let inboundTexts = 0;
  for (const event of history.events ?? []) {
    const type = eventTypeOf(event);
    eventsByType[type] = (eventsByType[type] ?? 0) + 1;
    if (event.workflowExecutionSignaledEventAttributes?.signalName === inboundMessageSignal.name) inboundTexts++;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const name = scheduled.activityType?.name ?? 'unknown';
      activities[name] = (activities[name] ?? 0) + 1;
    }
  }
  return {
    workflowId,
    inboundTexts,
    events: history.events?.length ?? 0,
    workflowTasks: eventsByType.WorkflowTaskCompleted ?? 0,
    activities,
    signals: eventsByType.WorkflowExecutionSignaled ?? 0,
    eventsByType,
  };
}
