// Writes a live event in the caller's transaction and NOTIFYs listeners, so an event exists
// exactly when the change it describes was committed, and every API replica hears about it.
import type { Prisma } from '../generated/prisma/client.ts';
import { LIVE_EVENTS_CHANNEL, type LiveEventInput } from '../shared/live-events.ts';

export async function publishLiveEvent(tx: Prisma.TransactionClient, event: LiveEventInput): Promise<void> {
  const created = await tx.liveEvent.create({
    data: {
      type: event.type,
      conversationId: event.conversationId ?? null,
      messageId: event.messageId ?? null,
      data: (event.data ?? {}) as Prisma.InputJsonValue,
    },
    select: { id: true },
  });
  // Delivered on commit; the payload is the id, listeners read the row.
  await tx.$executeRaw`SELECT pg_notify(${LIVE_EVENTS_CHANNEL}, ${created.id.toString()})`;
}
