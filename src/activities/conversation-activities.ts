// Activities that read and write conversations, contacts and inbound messages.
import { v5 as uuidv5 } from 'uuid';
import type { Prisma } from '../generated/prisma/client.ts';
import type {
  AutoResponseRuleSnapshot,
  ConversationSettings,
  ConversationStatus,
  InboundSms,
} from '../shared/conversation-types.ts';
import type { LiveEventType } from '../shared/live-events.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { publishLiveEvent } from '../store/live-event-publisher.ts';
import { loadConversationState } from '../store/conversation-load.ts';
import { storeInbound } from '../store/inbound-message-store.ts';
import { isUniqueViolation } from './store-errors.ts';

/** Conversation audit event types that agents see live, and the live event each becomes (for runs from before changes named their live event). */
const LIVE_EVENT_OF: Record<string, LiveEventType> = {
  assigned: 'conversation.assigned',
  unassigned: 'conversation.unassigned',
  closed: 'conversation.closed',
  reopened: 'conversation.reopened',
  flagged: 'conversation.flagged',
  unflagged: 'conversation.unflagged',
  attention_cleared: 'conversation.unflagged',
};

export interface ConversationKey {
  businessNumber: string;
  customerNumber: string;
}

export interface LoadedConversation {
  conversation: {
    id: string;
    status: ConversationStatus;
    assignedAgentId: string | null;
    /** Absent in results recorded before names were kept. */
    assignedAgentName?: string | null;
    needsAttention: boolean;
    attentionReason: string | null;
    /** Whether an agent ever replied (absent in results recorded before SLA targets). */
    agentHasReplied?: boolean;
  } | null;
  optedOut: boolean;
  settings: ConversationSettings;
}

export interface RecordedInbound {
  conversationId: string;
  /**
   * The MessageSid was stored before, by another receipt: a Twilio redelivery that must not be
   * answered. A store re-run for the same receipt (a retried activity, a replayed workflow task)
   * finds its own row and reports `duplicate: false`, so a first delivery is never dropped.
   */
  duplicate: boolean;
  optedOut: boolean;
  rules: AutoResponseRuleSnapshot[];
  settings: ConversationSettings;
}

export interface ConversationPatch {
  status?: ConversationStatus;
  assignedAgentId?: string | null;
  needsAttention?: boolean;
  attentionReason?: string | null;
  slaBreached?: boolean;
}

/**
 * The stored inbound message when it was stored by this same receipt: then this call is a re-run
 * of the store (a retried activity, or a workflow task replayed after the worker died), not a
 * redelivery. Rows stored before receipts existed have none and count as redeliveries.
 */
function ownEarlierStore(
  earlier: { clientRef: string | null; senderOptedOut: boolean | null } | null | undefined,
  receiptRef: string | undefined,
): { senderOptedOut: boolean | null } | undefined {
  if (!receiptRef) return undefined;
  return earlier?.clientRef === receiptRef ? earlier : undefined;
}

/** Names the workflow's write keys (long, readable) as the UUIDs audit events have always had. */
const AUDIT_EVENT_NAMESPACE = '6f1c5c1e-0b7a-4d8e-9a51-3f0f6b2c7d4e';

export function auditEventId(key: string): string {
  return uuidv5(key, AUDIT_EVENT_NAMESPACE);
}

/**
 * Writes a conversation's audit event under the workflow's key, once. False when an earlier run
 * of the same activity already wrote it: its whole transaction committed then, so nothing else
 * must be written now. Without a key (histories from before keys existed) it always writes.
 */
async function recordEventOnce(
  tx: Prisma.TransactionClient,
  key: string | undefined,
  event: { conversationId: string; type: string; agentId: string | null; data: Record<string, unknown> },
): Promise<boolean> {
  const created = await tx.conversationEvent.createMany({
    data: { ...(key ? { id: auditEventId(key) } : {}), ...event, data: event.data as Prisma.InputJsonValue },
    skipDuplicates: true,
  });
  return created.count === 1;
}

function legacyLiveEvent(
  patch: ConversationPatch,
  event: { type: string; agentId?: string; data?: Record<string, unknown> },
): { type: LiveEventType; data: Record<string, unknown> } | undefined {
  const type = LIVE_EVENT_OF[event.type];
  return type && { type, data: { ...event.data, ...patch, ...(event.agentId ? { actingAgentId: event.agentId } : {}) } };
}

export function createConversationActivities({ db, settings, metrics }: ActivityDependencies) {
  async function findOrCreateConversation(
    tx: Prisma.TransactionClient,
    key: ConversationKey & { workflowId: string },
  ) {
    const contact = await tx.contact.upsert({
      where: { phoneNumber: key.customerNumber },
      create: { phoneNumber: key.customerNumber },
      update: {},
    });
    const existing = await tx.conversation.findUnique({
      where: { businessNumber_customerNumber: { businessNumber: key.businessNumber, customerNumber: key.customerNumber } },
    });
    if (existing) return { conversation: existing, contact, created: false };
    const conversation = await tx.conversation.create({
      data: {
        businessNumber: key.businessNumber,
        customerNumber: key.customerNumber,
        workflowId: key.workflowId,
        contactId: contact.id,
        events: { create: { type: 'opened' } },
      },
    });
    await publishLiveEvent(tx, {
      type: 'conversation.opened',
      conversationId: conversation.id,
      data: { businessNumber: key.businessNumber, customerNumber: key.customerNumber },
    });
    return { conversation, contact, created: true };
  }

  return {
    async loadConversation(key: ConversationKey): Promise<LoadedConversation> {
      const { conversation, optedOut } = await loadConversationState(db, key);
      return { conversation, optedOut, settings };
    },

    async ensureConversation(key: ConversationKey & { workflowId: string }): Promise<{ conversationId: string }> {
      const { conversation } = await db.$transaction((tx) => findOrCreateConversation(tx, key));
      return { conversationId: conversation.id };
    },

    async recordInbound(
      input: ConversationKey & {
        workflowId: string;
        sms: InboundSms;
        /** The workflow's receipt of this delivery (see `receiptRef` in the workflow's job). */
        receiptRef?: string;
      },
    ): Promise<RecordedInbound> {
      // One statement (see storeInbound): the contact, the conversation, the message once, the
      // reopening, the live events and the rules.
      const stored = await storeInbound(db, input).catch((error: unknown) => {
        // The customer's first texts to two of our numbers at once: the other conversation's
        // statement created the contact first. It is committed now, so once more finds it
        // (without this, the unique key would park the text as refused data).
        if (!isUniqueViolation(error)) throw error;
        return storeInbound(db, input);
      });
      // Not stored now and not visible to the statement: the row was committed by another session
      // while it ran (this receipt's earlier attempt, still running then), so look once more.
      const earlier = stored.inserted || stored.earlier || !input.receiptRef
        ? stored.earlier
        : await db.message.findUnique({ where: { twilioSid: input.sms.messageSid }, select: { clientRef: true, senderOptedOut: true } });
      const ownEarlier = stored.inserted ? undefined : ownEarlierStore(earlier, input.receiptRef);
      const duplicate = !stored.inserted && !ownEarlier;
      return {
        conversationId: stored.conversationId,
        duplicate,
        // A re-run decides as the first run did: from the opt-out state before this text.
        optedOut: ownEarlier?.senderOptedOut ?? stored.contactOptedOut,
        rules: duplicate ? [] : stored.rules,
        settings,
      };
    },

    async saveConversation(input: {
      /** Chosen by the workflow: the audit event's id, so a re-run writes nothing twice. */
      key?: string;
      conversationId: string;
      patch: ConversationPatch;
      event: { type: string; agentId?: string; data?: Record<string, unknown> };
      /** The live event agents see (decided with the change); runs from before derive it here. */
      live?: { type: LiveEventType; data: Record<string, unknown> };
    }): Promise<void> {
      const { patch, event } = input;
      await db.$transaction(async (tx) => {
        const recorded = await recordEventOnce(tx, input.key, {
          conversationId: input.conversationId,
          type: event.type,
          agentId: event.agentId ?? null,
          data: event.data ?? {},
        });
        if (!recorded) return;
        await tx.conversation.update({
          where: { id: input.conversationId },
          data: {
            ...patch,
            ...(patch.status === 'closed' ? { closedAt: new Date() } : patch.status === 'open' ? { closedAt: null } : {}),
          },
        });
        const live = input.live ?? legacyLiveEvent(input.patch, event);
        if (live) await publishLiveEvent(tx, { type: live.type, conversationId: input.conversationId, data: live.data });
      });
    },

    async setOptOut(input: {
      /** Chosen by the workflow: the audit event's id, so a re-run writes nothing twice. */
      key?: string;
      customerNumber: string;
      conversationId: string | null;
      optedOut: boolean;
      keyword: string;
    }): Promise<void> {
      const now = new Date();
      const change = input.optedOut
        ? { optedOut: true, optedOutAt: now, optOutKeyword: input.keyword }
        : { optedOut: false, optedInAt: now, optOutKeyword: input.keyword };
      const changed = await db.$transaction(async (tx) => {
        if (input.conversationId) {
          const recorded = await recordEventOnce(tx, input.key, {
            conversationId: input.conversationId,
            type: input.optedOut ? 'opted_out' : 'opted_in',
            agentId: null,
            data: { keyword: input.keyword },
          });
          if (!recorded) return false;
        }
        await tx.contact.upsert({
          where: { phoneNumber: input.customerNumber },
          create: { phoneNumber: input.customerNumber, ...change },
          update: change,
        });
        await publishLiveEvent(tx, {
          type: input.optedOut ? 'contact.opted_out' : 'contact.opted_in',
          conversationId: input.conversationId,
          data: { customerNumber: input.customerNumber, keyword: input.keyword },
        });
        return true;
      });
      // Only the run that committed the change counts it, not a re-run that found it done.
      if (changed) {
        if (input.optedOut) metrics?.optOuts.inc({ source: 'keyword' });
        else metrics?.optIns.inc();
      }
    },
  };
}
