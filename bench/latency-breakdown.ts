// Where a message's time goes, read from the conversations' own histories: every workflow task
// and activity has a scheduled, started and closed time stamped by the server. Waits between
// "scheduled" and "started" are time in the server's task queues (no free worker slot, or
// dispatch); "started" to "closed" is work in the worker (workflow code, or the activity's
// database and HTTP calls) plus the server recording it.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { conversationWorkflowId } from '../src/shared/workflow-id.ts';
import { customerNumber, type CustomerBlock } from './customers.ts';
import { distributionOf, summaryOf, type LatencySummary } from './histogram.ts';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export interface LatencyBreakdown {
  conversations: number;
  /** Signal received → the workflow task that handles it scheduled (server side). */
  workflowTaskQueueWait: LatencySummary;
  workflowTaskProcessing: LatencySummary;
  activityQueueWait: Record<string, LatencySummary>;
  activityExecution: Record<string, LatencySummary>;
}

function millis(event: HistoryEvent): number {
  const time = event.eventTime as { seconds?: unknown; nanos?: number | null } | null | undefined;
  return Number(String(time?.seconds ?? 0)) * 1000 + (time?.nanos ?? 0) / 1e6;
}

function idOf(value: unknown): string {
  return String(value ?? '');
}

export async function latencyBreakdown(client: Client, businessNumber: string, block: CustomerBlock, sample: number): Promise<LatencyBreakdown> {
  const wftWait: number[] = [];
  const wftRun: number[] = [];
  const activityWait = new Map<string, number[]>();
  const activityRun = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
  let read = 0;
  for (let index = 0; index < Math.min(sample, block.count); index++) {
    const workflowId = conversationWorkflowId(businessNumber, customerNumber(block, index));
    let events: HistoryEvent[];
    try {
      events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    } catch {
      continue;
    }
    read++;
    const byId = new Map(events.map((event) => [idOf(event.eventId), event]));
    for (const event of events) {
      const wftStarted = event.workflowTaskStartedEventAttributes;
      if (wftStarted) {
        const scheduled = byId.get(idOf(wftStarted.scheduledEventId));
        if (scheduled) wftWait.push(millis(event) - millis(scheduled));
      }
      const wftCompleted = event.workflowTaskCompletedEventAttributes;
      if (wftCompleted) {
        const started = byId.get(idOf(wftCompleted.startedEventId));
        if (started) wftRun.push(millis(event) - millis(started));
      }
      const closed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
      if (closed) {
        const scheduled = byId.get(idOf(closed.scheduledEventId));
        const started = byId.get(idOf(closed.startedEventId));
        const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'unknown';
        if (scheduled && started) {
          push(activityWait, type, millis(started) - millis(scheduled));
          push(activityRun, type, millis(event) - millis(started));
        }
      }
    }
  }
  const summarise = (map: Map<string, number[]>) => Object.fromEntries([...map].map(([type, values]) => [type, summaryOf(distributionOf(values))]));
  return {
    conversations: read,
    workflowTaskQueueWait: summaryOf(distributionOf(wftWait)),
    workflowTaskProcessing: summaryOf(distributionOf(wftRun)),
    activityQueueWait: summarise(activityWait),
    activityExecution: summarise(activityRun),
  };
}
