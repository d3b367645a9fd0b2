// Scheduled messages in the database: an outbound row with status `scheduled` and its send_at,
// written when an agent schedules it (so it is listed at once and survives everything), edited
// or settled while it waits, and released to `pending` when it is due and handed to the outbox.
// Local activities keyed by the workflow's clientRef or the row's id, so a re-run changes nothing.
import type { Message } from '../generated/prisma/client.ts';
import type { ScheduledMessageResult } from '../shared/conversation-types.ts';
import { segmentInfo } from '../sms/segments.ts';
import { publishLiveEvent } from '../store/live-event-publisher.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { toResult, type SendMessageInput } from './outbound-activities.ts';

export interface ScheduleMessageInput extends SendMessageInput {
  /** ISO 8601. */
  sendAt: string;
}

function toScheduledResult(message: Message): ScheduledMessageResult {
  return { ...toResult(message), sendAt: (message.sendAt ?? message.createdAt).toISOString() };
}

export function createScheduledMessageActivities({ db }: ActivityDependencies) {
  return {
    async recordScheduled(input: ScheduleMessageInput): Promise<ScheduledMessageResult> {
      return db.$transaction(async (tx) => {
        const existing = await tx.message.findUnique({ where: { clientRef: input.clientRef } });
        if (existing) return toScheduledResult(existing);
        const { encoding, segments } = segmentInfo(input.body);
        const message = await tx.message.create({
          data: {
            clientRef: input.clientRef,
            conversationId: input.conversationId,
            direction: 'outbound',
            author: input.author,
            body: input.body,
            status: 'scheduled',
            sendAt: new Date(input.sendAt),
            fromNumber: input.from,
            toNumber: input.to,
            agentId: input.agentId ?? null,
            numSegments: segments,
            encoding,
            mediaUrls: input.mediaUrls ?? [],
          },
        });
        await publishLiveEvent(tx, {
          type: 'message.scheduled',
          conversationId: message.conversationId,
          messageId: message.id,
          data: { sendAt: input.sendAt, agentId: input.agentId ?? null },
        });
        return toScheduledResult(message);
      });
    },

    /** A new text or time for a message still waiting; one that already left is not touched. */
    async editScheduled(input: { messageId: string; body?: string; sendAt?: string }): Promise<ScheduledMessageResult> {
      return db.$transaction(async (tx) => {
        const message = await tx.message.findUniqueOrThrow({ where: { id: input.messageId } });
        if (message.status !== 'scheduled') return toScheduledResult(message);
        const counted = input.body === undefined ? undefined : segmentInfo(input.body);
        const updated = await tx.message.update({
          where: { id: message.id },
          data: {
            ...(input.body !== undefined && counted ? { body: input.body, numSegments: counted.segments, encoding: counted.encoding } : {}),
            ...(input.sendAt !== undefined ? { sendAt: new Date(input.sendAt) } : {}),
          },
        });
        await publishLiveEvent(tx, {
          type: 'message.scheduled',
          conversationId: updated.conversationId,
          messageId: updated.id,
          data: { sendAt: (updated.sendAt ?? updated.createdAt).toISOString(), edited: true },
        });
        return toScheduledResult(updated);
      });
    },

    /**
     * Settles a waiting message without sending it: `canceled` by an agent, `refused` when it
     * was due and could not go (the customer opted out), with the reason agents read.
     */
    async settleScheduled(input: { messageId: string; status: 'canceled' | 'refused'; reason: string }): Promise<void> {
      await db.$transaction(async (tx) => {
        const settled = await tx.message.updateMany({
          where: { id: input.messageId, status: 'scheduled' },
          data: { status: input.status, errorMessage: input.reason, statusUpdatedAt: new Date() },
        });
        if (settled.count === 0) return;
        const message = await tx.message.findUniqueOrThrow({ where: { id: input.messageId }, select: { conversationId: true } });
        await publishLiveEvent(tx, {
          type: input.status === 'refused' ? 'message.failed' : 'message.status',
          conversationId: message.conversationId,
          messageId: input.messageId,
          data: { status: input.status, errorCode: null, reason: input.reason },
        });
      });
    },
  };
}
