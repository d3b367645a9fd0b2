// Activities that read and write conversations, contacts and inbound messages.
import type { Prisma } from '../generated/prisma/client.ts';
import type {
  AutoResponseRuleSnapshot,
  ConversationSettings,
  ConversationStatus,
  InboundSms,
} from '../shared/conversation-types.ts';
import type { ActivityDependencies } from './dependencies.ts';

export interface ConversationKey {
  businessNumber: string;
  customerNumber: string;
}

export interface LoadedConversation {
  conversation: {
    id: string;
    status: ConversationStatus;
    assignedAgentId: string | null;
    needsAttention: boolean;
    attentionReason: string | null;
  } | null;
  optedOut: boolean;
  settings: ConversationSettings;
}

export interface RecordedInbound {
  conversationId: string;
  /** The MessageSid was stored before: nothing was written and nothing must be answered. */
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
}

export function createConversationActivities({ db, settings }: ActivityDependencies) {
  async function activeRules(tx: Prisma.TransactionClient): Promise<AutoResponseRuleSnapshot[]> {
    const rules = await tx.autoResponseRule.findMany({ where: { active: true }, orderBy: { priority: 'asc' } });
    return rules.map(({ id, name, keywords, response, priority, flagsAgent, optsOut }) => ({
      id,
      name,
      keywords,
      response,
      priority,
      flagsAgent,
      optsOut,
    }));
  }

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
    return { conversation, contact, created: true };
  }

  return {
    async loadConversation(key: ConversationKey): Promise<LoadedConversation> {
      const [conversation, contact] = await Promise.all([
        db.conversation.findUnique({
          where: { businessNumber_customerNumber: key },
          select: { id: true, status: true, assignedAgentId: true, needsAttention: true, attentionReason: true },
        }),
        db.contact.findUnique({ where: { phoneNumber: key.customerNumber }, select: { optedOut: true } }),
      ]);
      return { conversation, optedOut: contact?.optedOut ?? false, settings };
    },

    async ensureConversation(key: ConversationKey & { workflowId: string }): Promise<{ conversationId: string }> {
      const { conversation } = await db.$transaction((tx) => findOrCreateConversation(tx, key));
      return { conversationId: conversation.id };
    },

    async recordInbound(input: ConversationKey & { workflowId: string; sms: InboundSms }): Promise<RecordedInbound> {
      const { sms } = input;
      return db.$transaction(async (tx) => {
        const { conversation, contact } = await findOrCreateConversation(tx, input);
        const receivedAt = new Date(sms.receivedAt);
        // ON CONFLICT DO NOTHING on the unique SID: the database's guarantee of "stored once".
        const inserted = await tx.message.createMany({
          data: {
            conversationId: conversation.id,
            direction: 'inbound',
            author: 'customer',
            body: sms.body,
            twilioSid: sms.messageSid,
            status: 'received',
            fromNumber: sms.from,
            toNumber: sms.to,
            numSegments: sms.numSegments,
            mediaUrls: sms.media.map((media) => media.url),
            createdAt: receivedAt,
            statusUpdatedAt: receivedAt,
          },
          skipDuplicates: true,
        });
        const duplicate = inserted.count === 0;
        if (!duplicate) {
          await tx.conversation.update({
            where: { id: conversation.id },
            data: {
              lastActivityAt: receivedAt,
              ...(conversation.status === 'closed'
                ? { status: 'open', closedAt: null, events: { create: { type: 'reopened', data: { by: 'customer' } } } }
                : {}),
            },
          });
        }
        return {
          conversationId: conversation.id,
          duplicate,
          optedOut: contact.optedOut,
          rules: duplicate ? [] : await activeRules(tx),
          settings,
        };
      });
    },

    async saveConversation(input: {
      conversationId: string;
      patch: ConversationPatch;
      event: { type: string; agentId?: string; data?: Record<string, unknown> };
    }): Promise<void> {
      const { patch } = input;
      await db.conversation.update({
        where: { id: input.conversationId },
        data: {
          ...patch,
          ...(patch.status === 'closed' ? { closedAt: new Date() } : patch.status === 'open' ? { closedAt: null } : {}),
          events: {
            create: {
              type: input.event.type,
              agentId: input.event.agentId ?? null,
              data: (input.event.data ?? {}) as Prisma.InputJsonValue,
            },
          },
        },
      });
    },

    async setOptOut(input: {
      customerNumber: string;
      conversationId: string | null;
      optedOut: boolean;
      keyword: string;
    }): Promise<void> {
      const now = new Date();
      const change = input.optedOut
        ? { optedOut: true, optedOutAt: now, optOutKeyword: input.keyword }
        : { optedOut: false, optedInAt: now, optOutKeyword: input.keyword };
      await db.$transaction(async (tx) => {
        await tx.contact.upsert({
          where: { phoneNumber: input.customerNumber },
          create: { phoneNumber: input.customerNumber, ...change },
          update: change,
        });
        if (input.conversationId) {
          await tx.conversationEvent.create({
            data: {
              conversationId: input.conversationId,
              type: input.optedOut ? 'opted_out' : 'opted_in',
              data: { keyword: input.keyword },
            },
          });
        }
      });
    },
  };
}
