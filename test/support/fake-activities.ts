// Typed fake activities for testing the conversation workflow in isolation: an in-memory store
// with the same contract as the real activities (keyed writes, receipts, forward-only status),
// and hooks a test uses to hold, fail or crash a call. End-to-end tests use the real ones.
import type { DbActivities, TwilioActivities } from '../../src/activities/index.ts';
import type { AutoResponseRuleSnapshot, ConversationSettings, OutboundMessageResult } from '../../src/shared/conversation-types.ts';

type Activities = DbActivities & TwilioActivities;
type Input<K extends keyof Activities> = Parameters<Activities[K]>[0];

export interface StoredText {
  messageSid: string;
  body: string;
  receiptRef: string | undefined;
}

export interface StoredSend {
  clientRef: string;
  body: string;
  author: string;
  ruleId?: string;
  agentId?: string;
  status: 'scheduled' | 'pending' | 'sent' | 'failed' | 'refused' | 'canceled';
  /** Scheduled messages: when (ISO 8601). */
  sendAt?: string;
  reason?: string;
  /** Calls of sendMessage for this message (Twilio attempts). */
  attempts: number;
}

export const TEST_RULES: AutoResponseRuleSnapshot[] = [
  { id: 'rule-help', name: 'Help', keywords: ['help'], response: 'An agent will follow up.', priority: 1, flagsAgent: true, optsOut: false },
  { id: 'rule-status', name: 'Status', keywords: ['status'], response: 'Your order is on its way.', priority: 3, flagsAgent: false, optsOut: false },
  { id: 'rule-after-hours', name: 'After hours', keywords: [], response: 'We are closed; we reply when we open.', priority: 1000, flagsAgent: false, optsOut: false, trigger: 'after_hours' },
];

/** Hooks run before a call does its work (or, `after`, once it has); they may wait, throw, or let it go on. */
export type Hooks = { [K in keyof Activities]?: (input: Input<K>, attempt: number) => Promise<void> | void };

export class FakeConversationStore {
  conversationId = 'conversation-1';
  status: 'open' | 'closed' = 'open';
  assignedAgentId: string | null = null;
  needsAttention = false;
  attentionReason: string | null = null;
  optedOut = false;
  exists = false;
  settings: ConversationSettings = { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600 };
  readonly texts: StoredText[] = [];
  readonly sends: StoredSend[] = [];
  /** Audit events by the workflow's key: a re-run with the same key must not add one. */
  readonly events = new Map<string, { type: string; data?: unknown }>();
  readonly parked: { key: string; kind: string; reason: string; messageSid?: string }[] = [];
  readonly calls: string[] = [];
  hooks: Hooks = {};
  after: Hooks = {};
  private readonly attempts = new Map<string, number>();

  private async enter<K extends keyof Activities>(name: K, input: Input<K>, key: string): Promise<void> {
    this.calls.push(name);
    const attempt = (this.attempts.get(`${name}:${key}`) ?? 0) + 1;
    this.attempts.set(`${name}:${key}`, attempt);
    await this.hooks[name]?.(input as never, attempt);
  }

  private sendResult(send: StoredSend): OutboundMessageResult {
    return {
      messageId: `message-${send.clientRef}`,
      twilioSid: send.status === 'sent' ? `SM${send.clientRef.length.toString(16).padStart(32, '0')}` : null,
      status: send.status === 'sent' ? 'queued' : send.status,
      numSegments: 1,
      encoding: 'GSM-7',
      errorCode: null,
    };
  }

  activities(): Activities {
    const store = this;
    const activities: Activities = {
      async loadConversation(input) {
        await store.enter('loadConversation', input, 'load');
        return {
          conversation: store.exists
            ? {
                id: store.conversationId,
                status: store.status,
                assignedAgentId: store.assignedAgentId,
                assignedAgentName: store.assignedAgentId,
                needsAttention: store.needsAttention,
                attentionReason: store.attentionReason,
              }
            : null,
          optedOut: store.optedOut,
          settings: store.settings,
        };
      },
      async ensureConversation(input) {
        await store.enter('ensureConversation', input, 'ensure');
        store.exists = true;
        return { conversationId: store.conversationId };
      },
      async recordInbound(input) {
        await store.enter('recordInbound', input, input.sms.messageSid);
        store.exists = true;
        const stored = store.texts.find((text) => text.messageSid === input.sms.messageSid);
        if (!stored) {
          store.texts.push({ messageSid: input.sms.messageSid, body: input.sms.body, receiptRef: input.receiptRef });
          if (store.status === 'closed') store.status = 'open';
        }
        const duplicate = stored !== undefined && (input.receiptRef === undefined || stored.receiptRef !== input.receiptRef);
        return { conversationId: store.conversationId, duplicate, optedOut: store.optedOut, rules: duplicate ? [] : TEST_RULES, settings: store.settings };
      },
      async saveConversation(input) {
        await store.enter('saveConversation', input, input.key ?? input.event.type);
        if (input.key && store.events.has(input.key)) return;
        store.events.set(input.key ?? `unkeyed-${store.events.size}`, { type: input.event.type, data: input.event.data });
        const { patch } = input;
        if (patch.status) store.status = patch.status;
        if (patch.assignedAgentId !== undefined) store.assignedAgentId = patch.assignedAgentId;
        if (patch.needsAttention !== undefined) store.needsAttention = patch.needsAttention;
        if (patch.attentionReason !== undefined) store.attentionReason = patch.attentionReason;
      },
      async setOptOut(input) {
        await store.enter('setOptOut', input, input.key ?? 'opt-out');
        if (input.key && store.events.has(input.key)) return;
        store.events.set(input.key ?? `unkeyed-${store.events.size}`, { type: input.optedOut ? 'opted_out' : 'opted_in' });
        store.optedOut = input.optedOut;
      },
      async recordOutbound(input) {
        await store.enter('recordOutbound', input, input.clientRef);
        let send = store.sends.find((candidate) => candidate.clientRef === input.clientRef);
        if (!send) {
          send = { clientRef: input.clientRef, body: input.body, author: input.author, ruleId: input.ruleId, agentId: input.agentId, status: 'pending', attempts: 0 };
          store.sends.push(send);
        }
        // A scheduled message whose time came is on its way now.
        if (send.status === 'scheduled') send.status = 'pending';
        return store.sendResult(send);
      },
      async recordScheduled(input) {
        await store.enter('recordScheduled', input, input.clientRef);
        let send = store.sends.find((candidate) => candidate.clientRef === input.clientRef);
        if (!send) {
          send = { clientRef: input.clientRef, body: input.body, author: input.author, agentId: input.agentId, status: 'scheduled', sendAt: input.sendAt, attempts: 0 };
          store.sends.push(send);
        }
        return { ...store.sendResult(send), sendAt: send.sendAt ?? input.sendAt };
      },
      async editScheduled(input) {
        await store.enter('editScheduled', input, input.messageId);
        const send = store.sends.find((candidate) => `message-${candidate.clientRef}` === input.messageId);
        if (!send) throw new Error(`no message ${input.messageId}`);
        if (send.status === 'scheduled') {
          if (input.body !== undefined) send.body = input.body;
          if (input.sendAt !== undefined) send.sendAt = input.sendAt;
        }
        return { ...store.sendResult(send), sendAt: send.sendAt ?? '' };
      },
      async settleScheduled(input) {
        await store.enter('settleScheduled', input, input.messageId);
        const send = store.sends.find((candidate) => `message-${candidate.clientRef}` === input.messageId);
        if (send?.status === 'scheduled') Object.assign(send, { status: input.status, reason: input.reason });
      },
      async markSendFailed(input) {
        await store.enter('markSendFailed', input, input.clientRef);
        const send = store.sends.find((candidate) => candidate.clientRef === input.clientRef);
        if (send && send.status === 'pending') Object.assign(send, { status: 'failed', reason: input.reason });
      },
      async recordStatusCallback(input) {
        await store.enter('recordStatusCallback', input, input.callbackId);
        return { applied: false, messageId: null, customerOptedOut: false };
      },
      async parkJob(input) {
        await store.enter('parkJob', input, input.key);
        if (!store.parked.some((parked) => parked.key === input.key)) {
          store.parked.push({ key: input.key, kind: input.kind, reason: input.reason, messageSid: input.messageSid });
        }
      },
      async sendMessage(input) {
        let send = store.sends.find((candidate) => candidate.clientRef === input.clientRef);
        if (!send) {
          // Runs from before the outbox, and automatic messages handed to an idle outbox, are
          // recorded by the send itself (as the claim statement does).
          send = { clientRef: input.clientRef, body: input.body, author: input.author, ruleId: input.ruleId, agentId: input.agentId, status: 'pending', attempts: 0 };
          store.sends.push(send);
        }
        send.attempts += 1;
        await store.enter('sendMessage', input, input.clientRef);
        if (send.status === 'pending') send.status = 'sent';
        return store.sendResult(send);
      },
    };
    // Each call runs its `after` hook once its work is done (a write committed, say).
    for (const name of Object.keys(activities) as (keyof Activities)[]) {
      const run = activities[name] as (input: never) => Promise<unknown>;
      (activities as Record<string, unknown>)[name] = async (input: never) => {
        const result = await run(input);
        await store.after[name]?.(input, store.attempts.get(`${name}:after`) ?? 1);
        return result;
      };
    }
    return activities;
  }

  /** Messages Twilio accepted, i.e. what the customer received. */
  delivered(): StoredSend[] {
    return this.sends.filter((send) => send.status === 'sent');
  }
}
