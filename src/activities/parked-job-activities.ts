// Parking a conversation job that kept failing: the job's input is kept with the reason, and
// agents hear of it, so an acknowledged text is never silently lost while the conversation goes
// on with the next one.
import type { Prisma } from '../generated/prisma/client.ts';
import { normalizeStorableText } from '../shared/storable-text.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { publishLiveEvent } from '../store/live-event-publisher.ts';

export interface ParkJobInput {
  /** Chosen by the workflow, so a re-run parks the job once. */
  key: string;
  workflowId: string;
  conversationId: string | null;
  kind: 'inbound' | 'status';
  messageSid?: string;
  payload: unknown;
  reason: string;
}

/**
 * The job's input as JSON PostgreSQL will take whatever it holds: the payload may be the very
 * data the database refused (a NUL, an unpaired surrogate), and parking must not fail the same way.
 */
function storableJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? null), (_key, item: unknown) =>
    typeof item === 'string' ? normalizeStorableText(item).text : item,
  ) as Prisma.InputJsonValue;
}

export function createParkedJobActivities({ db, log, metrics }: ActivityDependencies) {
  return {
    async parkJob(input: ParkJobInput): Promise<void> {
      const reason = normalizeStorableText(input.reason.slice(0, 1000)).text;
      const parkedNow = await db.$transaction(async (tx) => {
        const parked = await tx.parkedJob.createMany({
          data: {
            id: input.key,
            workflowId: input.workflowId,
            conversationId: input.conversationId,
            kind: input.kind,
            messageSid: input.messageSid ?? null,
            payload: storableJson(input.payload),
            reason,
          },
          skipDuplicates: true,
        });
        if (parked.count === 0) return false;
        await publishLiveEvent(tx, {
          type: 'conversation.job_failed',
          conversationId: input.conversationId,
          data: { kind: input.kind, messageSid: input.messageSid ?? null, reason, parkedJobId: input.key },
        });
        return true;
      });
      if (parkedNow) metrics?.parkedJobs.inc({ kind: input.kind });
      log.error({ workflowId: input.workflowId, kind: input.kind, messageSid: input.messageSid, reason }, 'conversation job parked after its retries');
    },
  };
}
