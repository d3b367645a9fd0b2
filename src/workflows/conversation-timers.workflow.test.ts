// The conversation's clocks in isolation (real Temporal dev server, real workflow code, typed
// fake activities): scheduled sends, the response-time SLA, opening hours and auto-close. The
// durations are configured short (seconds), so each timer is proven without waiting minutes.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBusinessHours } from '../shared/business-hours.ts';
import {
  cancelScheduledMessageUpdate,
  editScheduledMessageUpdate,
  reopenUpdate,
  scheduleMessageUpdate,
  sendMessageUpdate,
  stateQuery,
} from '../shared/conversation-definitions.ts';
import type { ConversationSettings } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { SA_SLA_BREACHED, SA_WAITING_SINCE } from '../shared/search-attributes.ts';
import { FakeConversationStore } from '../../test/support/fake-activities.ts';
import { conversationsOn, settled, startIsolatedEnvironment, type StartConversation } from '../../test/support/isolated-conversation.ts';
import { waitFor } from '../../test/support/wait-for.ts';

let env: TestWorkflowEnvironment;
let conversation: StartConversation;

beforeAll(async () => {
  env = await startIsolatedEnvironment();
  conversation = conversationsOn(env);
});

afterAll(async () => {
  await env?.teardown();
});

const QUIET: ConversationSettings = { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600 };

function storeWith(settings: Partial<ConversationSettings>): FakeConversationStore {
  const store = new FakeConversationStore();
  store.settings = { ...QUIET, ...settings };
  return store;
}

const inSeconds = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();

/** Waits until the wall clock has passed `iso` (the condition a due timer depends on). */
async function untilPast(iso: string, marginMs = 500): Promise<void> {
  const at = Date.parse(iso) + marginMs;
  await waitFor(`the clock to pass ${iso}`, () => Date.now() > at, at - Date.now() + 5_000, 100);
}

function refusalType(error: unknown): string | undefined {
  return error instanceof WorkflowUpdateFailedError ? (error.cause as { type?: string } | undefined)?.type : undefined;
}

describe('scheduled sends', () => {
  it('sends a message that fell due while the worker was down once, after it restarts', async () => {
    const talk = await conversation(storeWith({ scheduleHorizonSeconds: 3600 }), { worker: false });
    const worker = await talk.startWorker();
    try {
      await talk.text('hello');
      await settled(talk.handle);
      const sendAt = inSeconds(3);
      const scheduled = await talk.handle.executeUpdate(scheduleMessageUpdate, { args: [{ body: 'Your parcel leaves today', agentId: 'agent-1', sendAt }] });
      expect(scheduled.status).toBe('scheduled');
      expect(Date.parse(scheduled.sendAt)).toBe(Date.parse(sendAt));
      expect((await talk.handle.query(stateQuery)).timers?.scheduled).toEqual([{ messageId: scheduled.messageId, sendAt, agentId: 'agent-1' }]);

      worker.shutdown();
      await waitFor('the worker to stop', () => worker.getState() === 'STOPPED');
      await untilPast(sendAt, 1_500);
      expect(talk.store.delivered().map((send) => send.body)).not.toContain('Your parcel leaves today');

      await talk.startWorker();
      await waitFor('the scheduled message to be sent', () => talk.store.delivered().some((send) => send.body === 'Your parcel leaves today'));
      await settled(talk.handle);
      const sends = talk.store.sends.filter((send) => send.body === 'Your parcel leaves today');
      expect(sends).toHaveLength(1);
      expect(sends[0]!.attempts).toBe(1);
      expect((await talk.handle.query(stateQuery)).timers?.scheduled).toEqual([]);
    } finally {
      await talk.stop();
    }
  });

  it('edits and cancels messages until they leave, and refuses times in the past or beyond the horizon', async () => {
    const talk = await conversation(storeWith({ scheduleHorizonSeconds: 3600 }));
    try {
      await talk.text('hello');
      await settled(talk.handle);
      const schedule = (body: string, sendAt: string) =>
        talk.handle.executeUpdate(scheduleMessageUpdate, { args: [{ body, agentId: 'agent-1', actingRole: 'agent' as const, sendAt }] });

      await expect(schedule('too late', new Date(Date.now() - 60_000).toISOString())).rejects.toSatisfy((error) => refusalType(error) === FailureType.InvalidSendTime);
      await expect(schedule('too early to plan', inSeconds(7200))).rejects.toSatisfy((error) => refusalType(error) === FailureType.InvalidSendTime);

      const kept = await schedule('first draft', inSeconds(60));
      const dropped = await schedule('never mind', inSeconds(60));
      const newTime = inSeconds(3);
      const edited = await talk.handle.executeUpdate(editScheduledMessageUpdate, {
        args: [{ messageId: kept.messageId, agentId: 'agent-1', body: 'final text', sendAt: newTime }],
      });
      expect(Date.parse(edited.sendAt)).toBe(Date.parse(newTime));
      await talk.handle.executeUpdate(cancelScheduledMessageUpdate, { args: [{ messageId: dropped.messageId, agentId: 'agent-1', actingAgentName: 'Ada' }] });

      await waitFor('the edited message to leave', () => talk.store.delivered().some((send) => send.body === 'final text'));
      expect(talk.store.delivered().map((send) => send.body)).not.toContain('first draft');
      const cancelled = talk.store.sends.find((send) => send.body === 'never mind');
      expect(cancelled).toMatchObject({ status: 'canceled', reason: 'Canceled by Ada' });
      // Gone: neither can be touched any more.
      await expect(
        talk.handle.executeUpdate(cancelScheduledMessageUpdate, { args: [{ messageId: kept.messageId, agentId: 'agent-1' }] }),
      ).rejects.toSatisfy((error) => refusalType(error) === FailureType.ScheduledMessageNotFound);
    } finally {
      await talk.stop();
    }
  });

  it('refuses, with the reason, a message that falls due after the customer opted out', async () => {
    const talk = await conversation(storeWith({ scheduleHorizonSeconds: 3600 }));
    try {
      await talk.text('hello');
      await settled(talk.handle);
      const sendAt = inSeconds(3);
      const scheduled = await talk.handle.executeUpdate(scheduleMessageUpdate, { args: [{ body: 'A reminder', agentId: 'agent-1', sendAt }] });
      await talk.text('STOP');
      await waitFor('the scheduled message to be refused', () =>
        talk.store.sends.find((send) => `message-${send.clientRef}` === scheduled.messageId && send.status === 'refused'),
      );
      expect(talk.store.delivered().map((send) => send.body)).not.toContain('A reminder');
      expect(talk.store.sends.find((send) => send.body === 'A reminder')?.reason).toMatch(/opted out/);
      // Nothing is left to do for an opted-out customer: the conversation closes itself.
      await waitFor('the conversation to close', async () => (await talk.handle.query(stateQuery)).status === 'closed');
    } finally {
      await talk.stop();
    }
  });
});

describe('response-time SLA', () => {
  it('escalates a customer waiting past the target, and an agent reply stops the clock', async () => {
    const talk = await conversation(storeWith({ sla: { firstReplySeconds: 2, followUpSeconds: 600 } }));
    try {
      await talk.text('my order never came');
      await waitFor('the customer to be waiting', async () => (await talk.handle.query(stateQuery)).timers?.waitingSince);
      const waiting = (await talk.handle.query(stateQuery)).timers!;
      expect(waiting.sla).toMatchObject({ targetSeconds: 2, breached: false });

      const breached = await waitFor('the SLA to be breached', async () => {
        const state = await talk.handle.query(stateQuery);
        return state.timers?.sla.breached ? state : undefined;
      });
      expect(breached.needsAttention).toBe(true);
      expect(breached.attentionReason).toMatch(/^waiting \d+ (s|min)$/);
      const breach = [...talk.store.events.values()].find((event) => event.type === 'sla_breached');
      expect(breach?.data).toMatchObject({ targetSeconds: 2, waitingSince: waiting.waitingSince });
      await waitFor('ops to see the breach in the search attributes', async () => {
        const attributes = (await talk.handle.describe()).typedSearchAttributes;
        return attributes.get(SA_SLA_BREACHED) === true && attributes.get(SA_WAITING_SINCE)?.toISOString() === waiting.waitingSince;
      });

      // Ops see what the timer waits for next to it in the Temporal UI.
      const history = await talk.handle.fetchHistory();
      const summaries = (history.events ?? [])
        .filter((event) => event.timerStartedEventAttributes && event.userMetadata?.summary)
        .map((event) => defaultPayloadConverter.fromPayload<string>(event.userMetadata!.summary!));
      expect(summaries).toContainEqual(expect.stringMatching(/^SLA due \(waiting since .+\) at /));

      await talk.handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'So sorry, on it now', agentId: 'agent-1' }] });
      const answered = await talk.handle.query(stateQuery);
      expect(answered.timers).toMatchObject({ waitingSince: null, sla: { breached: false, targetSeconds: 600 } });
      expect(answered.needsAttention).toBe(false);
      const responded = [...talk.store.events.values()].find((event) => event.type === 'responded');
      expect(responded?.data).toMatchObject({ targetSeconds: 2, withinTarget: false, firstReply: true });
      await waitFor('ops to see the wait is over', async () => (await talk.handle.describe()).typedSearchAttributes.get(SA_SLA_BREACHED) === false);
    } finally {
      await talk.stop();
    }
  });

  it('pauses the clock while the business is closed and tells the customer once per closed period', async () => {
    // Open 09:00–17:00 UTC every day, but closed today and tomorrow: it opens the day after, 09:00.
    const today = DateTime.utc().startOf('day');
    const hours = parseBusinessHours('Mon-Sun 09:00-17:00', 'UTC', [today.toISODate()!, today.plus({ days: 1 }).toISODate()!]);
    const opening = today.plus({ days: 2, hours: 9 });
    const store = storeWith({ sla: { firstReplySeconds: 600, followUpSeconds: 600 }, businessHours: hours });
    const talk = await conversation(store);
    try {
      await talk.text('are you there?');
      await waitFor('the after-hours reply', () => talk.store.delivered().some((send) => send.ruleId === 'rule-after-hours'));
      await talk.text('hello??');
      await settled(talk.handle);
      expect(talk.store.sends.filter((send) => send.ruleId === 'rule-after-hours')).toHaveLength(1);
      const timers = (await talk.handle.query(stateQuery)).timers!;
      expect(timers.businessHours).toEqual({ open: false, nextOpeningAt: opening.toJSDate().toISOString() });
      // Ten minutes of open time after opening, not ten minutes from now.
      expect(timers.sla.dueAt).toBe(opening.plus({ minutes: 10 }).toJSDate().toISOString());
    } finally {
      await talk.stop();
    }
  });
});

describe('auto-close', () => {
  it('closes a quiet conversation nobody needs, and the customer’s next text reopens it', async () => {
    const talk = await conversation(storeWith({ autoCloseSeconds: 2 }));
    try {
      await talk.text('status');
      await waitFor('the auto-reply', () => talk.store.delivered().some((send) => send.ruleId === 'rule-status'));
      const state = await talk.handle.query(stateQuery);
      expect(state.needsAttention).toBe(false);
      expect(state.timers?.autoCloseAt).not.toBeNull();

      await waitFor('the conversation to close itself', async () => (await talk.handle.query(stateQuery)).status === 'closed', 10_000);
      const closed = [...talk.store.events.values()].find((event) => event.type === 'closed');
      expect(closed?.data).toMatchObject({ automatic: true, reason: expect.stringMatching(/^No activity for/) });

      await talk.text('one more question');
      const reopened = await waitFor('the text to reopen it', async () => {
        const now = await talk.handle.query(stateQuery);
        return now.status === 'open' && now.needsAttention ? now : undefined;
      });
      expect(reopened.timers?.autoCloseAt).toBeNull(); // someone is needed: it stays open
    } finally {
      await talk.stop();
    }
  });

  it('closes an opted-out customer’s conversation once nothing is pending, and an agent may reopen it', async () => {
    const talk = await conversation(storeWith({}));
    try {
      await talk.text('STOP');
      const closed = await waitFor('the conversation to close', async () => {
        const state = await talk.handle.query(stateQuery);
        return state.status === 'closed' ? state : undefined;
      });
      expect(closed.optedOut).toBe(true);
      // The opt-out confirmation went out before it closed.
      expect(talk.store.delivered()).toHaveLength(1);
      const event = [...talk.store.events.values()].find((candidate) => candidate.type === 'closed');
      expect(event?.data).toMatchObject({ automatic: true, reason: 'The customer opted out' });

      await talk.handle.executeUpdate(reopenUpdate, { args: [{ actingAgentId: 'agent-1', actingRole: 'agent' }] });
      await settled(talk.handle);
      expect((await talk.handle.query(stateQuery)).status).toBe('open');
    } finally {
      await talk.stop();
    }
  });

  it('leaves a conversation needing attention open however quiet it is', async () => {
    const talk = await conversation(storeWith({ autoCloseSeconds: 1 }));
    try {
      await talk.text('I need a person');
      await settled(talk.handle);
      const state = await talk.handle.query(stateQuery);
      expect(state.needsAttention).toBe(true);
      expect(state.timers?.autoCloseAt).toBeNull();
      const last = Date.now();
      await untilPast(new Date(last + 2_000).toISOString());
      expect((await talk.handle.query(stateQuery)).status).toBe('open');
    } finally {
      await talk.stop();
    }
  });
});
