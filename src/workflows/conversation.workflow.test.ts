// The conversation workflow in isolation: a real Temporal dev server (TestWorkflowEnvironment)
// and the real workflow code, with typed fake activities at the activity boundary, so faults
// that are hard to arrange end to end — a worker dying after a local activity wrote, retries
// running out, Twilio hanging — are arranged exactly. End-to-end tests stay on real components.
import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { findTemporalCli } from '../infra/temporal-cli.ts';
import {
  assignUpdate,
  closeUpdate,
  CONVERSATION_WORKFLOW_TYPE,
  inboundMessageSignal,
  sendMessageUpdate,
  stateQuery,
  statusCallbackSignal,
} from '../shared/conversation-definitions.ts';
import type { InboundSms } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { CONVERSATION_SEARCH_ATTRIBUTES, SA_LAST_DELIVERY_FAILURE } from '../shared/search-attributes.ts';
import { FakeConversationStore } from '../../test/support/fake-activities.ts';
import { BUSINESS, conversationsOn, gate, settled, sid, startIsolatedEnvironment, type StartConversation } from '../../test/support/isolated-conversation.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import type { conversationWorkflow, ConversationWorkflowInput } from './conversation.ts';
import { CUSTOMER_WROTE_AGAIN } from './conversation-changes.ts';
import { SEEN_SID_LIMIT } from './conversation-state.ts';

/** History length at which this file's server suggests continue-as-new. */
const SUGGEST_CONTINUE_AS_NEW_AFTER = 40;

let env: TestWorkflowEnvironment;
let conversation: StartConversation;

beforeAll(async () => {
  env = await startIsolatedEnvironment({ suggestContinueAsNewAfter: SUGGEST_CONTINUE_AS_NEW_AFTER });
  conversation = conversationsOn(env);
});

afterAll(async () => {
  await env?.teardown();
});

async function runIds(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const execution of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.runId);
  return runs;
}

/** A retryable failure that asks to be retried at once, so running out of retries takes no time. */
function quickRetryableFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nextRetryDelay: '10 milliseconds' });
}

describe('exactly once, whatever is re-executed', () => {
  it('answers a text whose store ran before the worker died and its workflow task was lost', async () => {
    const talk = await conversation(new FakeConversationStore(), { worker: false });
    const { store } = talk;
    try {
      let crashed = false;
      store.hooks.recordInbound = async (input) => {
        if (crashed) return;
        crashed = true;
        // The write commits (as the real transaction did)…
        store.texts.push({ messageSid: input.sms.messageSid, body: input.sms.body, receiptRef: input.receiptRef });
        // …and the worker dies before the local activity's answer reaches Temporal.
        setTimeout(() => doomed.shutdown(), 0);
        await new Promise(() => undefined);
      };
      const doomed = await talk.startWorker(store, { shutdownForceTime: '500 milliseconds' });
      const messageSid = await talk.text('status please');
      await waitFor('the worker to die mid-task', () => crashed && doomed.getState() !== 'RUNNING', 15_000);

      // Another worker replays the task, runs the store again and finds its own row.
      await talk.startWorker(store);
      await settled(talk.handle);
      expect(store.texts.map((text) => text.messageSid)).toEqual([messageSid]);
      expect(store.delivered().map((send) => send.ruleId)).toEqual(['rule-status']);
    } finally {
      await talk.stop();
    }
  });

  it('writes each change once when the retried task sees more texts than the attempt that died', async () => {
    const talk = await conversation(new FakeConversationStore(), { worker: false });
    const { store } = talk;
    try {
      let crashed = false;
      // The dead attempt flags the first text (the write commits), then the worker dies.
      store.after.saveConversation = async () => {
        if (crashed) return;
        crashed = true;
        setTimeout(() => doomed.shutdown(), 0);
        await new Promise(() => undefined);
      };
      const doomed = await talk.startWorker(store, { shutdownForceTime: '500 milliseconds' });
      await talk.text('hello there');
      await waitFor('the worker to die after flagging', () => crashed && doomed.getState() !== 'RUNNING', 15_000);
      // A text arrives before the task is retried: the retry sees two signals where the dead
      // attempt saw one, and the dead attempt's flag is already in the store.
      await talk.text('status');
      await talk.text('where is my parcel?');

      await talk.startWorker(store);
      await settled(talk.handle);
      const flags = [...store.events.values()].filter((event) => event.type === 'flagged');
      expect(flags).toHaveLength(1);
      expect(store.sends.map((send) => [send.ruleId, send.status])).toEqual([['rule-status', 'sent']]);
      expect(store.texts).toHaveLength(3);
    } finally {
      await talk.stop();
    }
  });

  it('answers a text whose store committed but whose local activity was retried', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      store.hooks.recordInbound = async (input, attempt) => {
        if (attempt > 1) return;
        store.texts.push({ messageSid: input.sms.messageSid, body: input.sms.body, receiptRef: input.receiptRef });
        throw quickRetryableFailure('ConnectionLost', 'the answer was lost after the commit');
      };
      await talk.text('status');
      await settled(talk.handle);
      expect(store.texts).toHaveLength(1);
      expect(store.delivered()).toHaveLength(1);
    } finally {
      await talk.stop();
    }
  });

  it('stores and answers once a redelivery that arrives after 500 newer texts', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      const first = await talk.text('status');
      for (let index = 0; index < SEEN_SID_LIMIT; index++) await talk.text(`note ${index}`);
      await settled(talk.handle);
      expect(store.delivered()).toHaveLength(1);

      // Beyond the workflow's memory: the store's receipt tells it apart from a first delivery.
      await talk.text('status', first);
      await settled(talk.handle);
      expect(store.texts).toHaveLength(SEEN_SID_LIMIT + 1);
      expect(store.delivered()).toHaveLength(1);
      expect((await runIds(talk.handle.workflowId)).length).toBeGreaterThan(1);
    } finally {
      await talk.stop();
    }
  });
});

describe('continue-as-new', () => {
  it('carries texts that were still queued into the next run, after serving a pending update', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      const held = gate();
      let holding = true;
      store.hooks.recordInbound = async () => {
        if (holding) await held.wait;
      };
      const first = await talk.text('status');
      // While the first text is held, an agent takes the conversation and more texts arrive than
      // one run's history should hold.
      const assigned = talk.handle.executeUpdate(assignUpdate, { args: [{ agentId: 'agent-1' }] });
      await waitFor('the update to be accepted', async () => (await talk.handle.query(stateQuery)).assignedAgentId === 'agent-1');
      const queued: string[] = [];
      for (let index = 0; index < 30; index++) queued.push(await talk.text(`question ${index}`));
      const firstRun = (await talk.handle.describe()).runId;
      await waitFor('the history to pass the threshold', async () => (await talk.handle.fetchHistory()).events!.length > SUGGEST_CONTINUE_AS_NEW_AFTER + 5);
      holding = false;
      held.open();

      expect((await assigned).assignedAgentId).toBe('agent-1');
      await waitFor('a continue-as-new', async () => (await talk.handle.describe()).runId !== firstRun);
      await settled(talk.handle);
      // The first run ended by handing the texts it had not reached to the next one.
      const history = await env.client.workflow.getHandle(talk.handle.workflowId, firstRun).fetchHistory();
      const continued = history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes;
      const input = defaultPayloadConverter.fromPayload<ConversationWorkflowInput>(continued!.input!.payloads![0]!);
      expect(input.pending?.length).toBeGreaterThan(0);
      expect(input.carried?.assignedAgentId).toBe('agent-1');
      // Every text stored once, in order, whichever run handled it.
      expect(store.texts.map((text) => text.messageSid)).toEqual([first, ...queued]);
      expect(await talk.handle.query(stateQuery)).toMatchObject({ assignedAgentId: 'agent-1', pendingWork: 0 });
    } finally {
      await talk.stop();
    }
  });
});

describe('jobs that keep failing are parked, and the conversation goes on', () => {
  it('parks a text the store refuses for good, flags it, and answers the next one', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      store.hooks.recordInbound = (input) => {
        if (input.sms.body.startsWith('poison')) {
          throw ApplicationFailure.create({ type: FailureType.StoreRejected, message: 'PostgreSQL refused the data (SQLSTATE 22021, data exception)', nonRetryable: true });
        }
      };
      const poison = await talk.text('poison text');
      await talk.text('status');
      await settled(talk.handle);
      expect(store.parked).toEqual([expect.objectContaining({ kind: 'inbound', messageSid: poison, reason: expect.stringContaining('SQLSTATE 22021') })]);
      expect(store.calls.filter((call) => call === 'recordInbound' )).toHaveLength(2); // refused once, never retried
      expect(store.delivered().map((send) => send.ruleId)).toEqual(['rule-status']);
      expect(store.needsAttention).toBe(true);
      expect(store.attentionReason).toMatch(/could not be processed/);
    } finally {
      await talk.stop();
    }
  });

  it('parks a text whose store keeps failing once its retries run out', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      store.hooks.recordInbound = (input) => {
        if (input.sms.body === 'unlucky') throw quickRetryableFailure('Error', 'something odd, every time');
      };
      const unlucky = await talk.text('unlucky');
      await talk.text('status');
      await settled(talk.handle);
      expect(store.parked.map((parked) => parked.messageSid)).toEqual([unlucky]);
      // The reason names what failed, never the error's own text (it may quote data).
      expect(store.parked[0]!.reason).not.toContain('something odd');
      expect(store.delivered()).toHaveLength(1);
    } finally {
      await talk.stop();
    }
  });

  it('marks a reply failed when Twilio stays unreachable through every retry', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      store.hooks.sendMessage = (input) => {
        if (input.body !== 'hello from an agent') throw quickRetryableFailure('TwilioSendError', 'Twilio returned 503');
      };
      await talk.text('status');
      await settled(talk.handle);
      const [reply] = store.sends;
      expect(reply).toMatchObject({ status: 'failed', attempts: 8 });
      expect(reply!.reason).toContain('Twilio returned 503');
      // Ops find it with `LastDeliveryFailure >= <today>` in the Temporal UI.
      const failedAt = await waitFor('the failure on the search attributes', async () =>
        (await talk.handle.describe()).typedSearchAttributes.get(SA_LAST_DELIVERY_FAILURE),
      );
      expect(failedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);

      // The conversation goes on: an agent's reply is sent.
      const sent = await talk.handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'hello from an agent', agentId: 'agent-1' }] });
      expect(sent.twilioSid).not.toBeNull();
    } finally {
      await talk.stop();
    }
  });
});

describe('a Twilio outage freezes nothing', () => {
  it('answers agent actions within a second while a send is being retried', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      const twilioBack = gate();
      // The local first attempt gives up when Twilio does not answer (its HTTP timeout, 3 s in the
      // worker; at once here); the retries, normal activities, hang until Twilio is back.
      store.hooks.sendMessage = (_input, attempt) => {
        if (attempt === 1) throw quickRetryableFailure('TwilioSendError', 'Twilio did not answer within the first attempt\'s timeout');
        return twilioBack.wait;
      };
      await talk.text('help');
      await waitFor('the auto-reply to be handed to Twilio', () => store.calls.includes('sendMessage'));

      let started = Date.now();
      const reply = await talk.handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'On it', agentId: 'agent-1' }] });
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(reply).toMatchObject({ status: 'pending', twilioSid: null });

      started = Date.now();
      const assigned = await talk.handle.executeUpdate(assignUpdate, { args: [{ agentId: 'agent-1' }] });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(assigned.assignedAgentId).toBe('agent-1');

      twilioBack.open();
      await settled(talk.handle);
      expect(store.delivered().map((send) => send.body)).toEqual(['An agent will follow up.', 'On it']);
    } finally {
      await talk.stop();
    }
  });
});

describe('sending', () => {
  it('sends in one local activity when Twilio answers: no activity task, no extra workflow task', async () => {
    const talk = await conversation();
    try {
      await talk.text('help');
      await settled(talk.handle);
      expect(talk.store.delivered().map((send) => send.attempts)).toEqual([1]);
      const history = await talk.handle.fetchHistory();
      const scheduled = (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes);
      expect(scheduled).toEqual([]);
    } finally {
      await talk.stop();
    }
  });

  it('lets an auto-reply be recorded by its own send when the outbox is idle, and records it first behind another send', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      await talk.text('help');
      await settled(talk.handle);
      // The send's own statement recorded it (outbound-claim.ts): no separate record beforehand.
      expect(store.calls.filter((name) => name === 'recordOutbound' || name === 'sendMessage')).toEqual(['sendMessage']);
      expect(store.sends.map((send) => [send.author, send.status])).toEqual([['auto_response', 'sent']]);

      // Twilio holds the next reply: the one after it is recorded `pending` at once, so agents
      // see it waiting, and leaves once the first has gone.
      const twilioAnswers = gate();
      store.hooks.sendMessage = () => twilioAnswers.wait;
      await talk.text('help');
      await waitFor('the second reply to be in Twilio\'s hands', async () => store.calls.filter((name) => name === 'sendMessage').length === 2);
      await talk.text('help');
      await waitFor('the third reply to be recorded', async () => store.sends.length === 3);
      expect(store.sends[2]).toMatchObject({ author: 'auto_response', status: 'pending', attempts: 0 });
      expect(store.calls.filter((name) => name === 'recordOutbound')).toHaveLength(1);
      twilioAnswers.open();
      await settled(talk.handle);
      expect(store.sends.map((send) => send.status)).toEqual(['sent', 'sent', 'sent']);
    } finally {
      await talk.stop();
    }
  });

  it('replays a run whose sends overlap the next texts\' stores (local activities take turns)', async () => {
    const unlimited = new FakeConversationStore();
    unlimited.settings = { ...unlimited.settings, autoReplyLimit: 100 };
    const talk = await conversation(unlimited, { worker: false });
    const { store } = talk;
    try {
      // Sends finish at uneven times, so without turns a send's result and a store's would
      // reach the workflow in another order the first time than on replay.
      const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
      store.hooks.sendMessage = (_input, attempt) => pause(attempt === 1 ? 40 + Math.random() * 40 : 0);
      store.hooks.recordInbound = () => pause(Math.random() * 20);
      // Queued before a worker polls: the run meets them all in its first activation.
      for (let index = 0; index < 6; index++) await talk.text('help');
      await talk.startWorker();
      await settled(talk.handle);
      expect(store.delivered()).toHaveLength(6);
      const history = await talk.handle.fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, talk.handle.workflowId);
    } finally {
      await talk.stop();
    }
  });

  it('goes on to the retried activity when the first attempt fails, and sends once', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      store.hooks.sendMessage = (_input, attempt) => {
        if (attempt <= 2) throw quickRetryableFailure('TwilioSendError', 'Twilio returned 503');
      };
      await talk.text('help');
      await settled(talk.handle);
      expect(store.delivered().map((send) => send.attempts)).toEqual([3]);
      const history = await talk.handle.fetchHistory();
      const scheduled = (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(scheduled).toEqual(['sendMessage']);
    } finally {
      await talk.stop();
    }
  });
});

describe('agent updates', () => {
  it('lets exactly one of two racing agents take the conversation', async () => {
    const talk = await conversation();
    try {
      await talk.text('hello');
      await settled(talk.handle);
      const results = await Promise.allSettled([
        talk.handle.executeUpdate(assignUpdate, { args: [{ agentId: 'agent-a' }] }),
        talk.handle.executeUpdate(assignUpdate, { args: [{ agentId: 'agent-b' }] }),
      ]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((lost[0]!.reason as WorkflowUpdateFailedError).cause).toMatchObject({ type: FailureType.AlreadyAssigned });
      const winner = (won[0] as PromiseFulfilledResult<{ assignedAgentId: string }>).value.assignedAgentId;
      expect(talk.store.assignedAgentId).toBe(winner);
    } finally {
      await talk.stop();
    }
  });
});

describe('a closed conversation', () => {
  it('lingers for its settings\' period, then completes by itself', async () => {
    const store = new FakeConversationStore();
    store.settings = { ...store.settings, closedLingerSeconds: 1 };
    const talk = await conversation(store);
    try {
      await talk.text('status');
      await settled(talk.handle);
      await talk.handle.executeUpdate(closeUpdate, { args: [{ actingAgentId: 'agent-1' }] });
      expect((await talk.handle.describe()).status.name).toBe('RUNNING');
      await waitFor('the run to complete', async () => (await talk.handle.describe()).status.name === 'COMPLETED');
      expect(store.status).toBe('closed');
    } finally {
      await talk.stop();
    }
  });

  it('hands a duplicate\'s reopening on to the new text behind it, which is answered', async () => {
    const store = new FakeConversationStore();
    Object.assign(store, { exists: true, status: 'closed' });
    const old = sid();
    store.texts.push({ messageSid: old, body: 'status', receiptRef: 'an-earlier-run:text:1' });
    const talk = await conversation(store);
    try {
      const held = gate();
      store.hooks.recordInbound = async (input) => {
        if (input.sms.messageSid === old) await held.wait;
      };
      await talk.text('status', old); // Twilio redelivers a text answered long ago
      await talk.text('help'); // and the customer writes again
      held.open();
      await settled(talk.handle);
      expect(store.delivered().map((send) => send.ruleId)).toEqual(['rule-help']);
      expect((await talk.handle.query(stateQuery)).status).toBe('open');
    } finally {
      await talk.stop();
    }
  });
});

describe('attention and ownership agents can rely on', () => {
  const alice = { agentId: 'alice', agentName: 'Alice', actingAgentId: 'alice', actingAgentName: 'Alice', actingRole: 'agent' as const };

  it("clears attention everywhere when an agent answers, and raises it when the customer writes again", async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      await talk.text('my parcel never came');
      await settled(talk.handle);
      await talk.handle.executeUpdate(assignUpdate, { args: [alice] });
      expect(await talk.handle.query(stateQuery)).toMatchObject({ needsAttention: true, assignedAgentName: 'Alice' });

      await talk.handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'Looking into it', agentId: 'alice', actingRole: 'agent' }] });
      expect(await talk.handle.query(stateQuery)).toMatchObject({ needsAttention: false, attentionReason: null });
      expect(store.needsAttention).toBe(false);

      await talk.text('any news?');
      await settled(talk.handle);
      expect(await talk.handle.query(stateQuery)).toMatchObject({ needsAttention: true, attentionReason: CUSTOMER_WROTE_AGAIN });
      expect(store.attentionReason).toBe(CUSTOMER_WROTE_AGAIN);
    } finally {
      await talk.stop();
    }
  });

  it('puts a closed conversation the customer reopens back in the queue, unassigned and needing a person', async () => {
    const talk = await conversation();
    const { store } = talk;
    try {
      await talk.text('hello');
      await settled(talk.handle);
      await talk.handle.executeUpdate(assignUpdate, { args: [alice] });
      await talk.handle.executeUpdate(closeUpdate, { args: [{ actingAgentId: 'alice', actingRole: 'agent' }] });
      expect(store.assignedAgentId).toBeNull();

      await talk.text('status');
      await settled(talk.handle);
      expect(await talk.handle.query(stateQuery)).toMatchObject({
        status: 'open',
        assignedAgentId: null,
        needsAttention: true,
        attentionReason: CUSTOMER_WROTE_AGAIN,
      });
      expect(store.delivered().map((send) => send.ruleId)).toEqual(['rule-status']);
    } finally {
      await talk.stop();
    }
  });

  it("refuses another agent's reply on a held conversation, and lets an admin answer", async () => {
    const talk = await conversation();
    try {
      await talk.text('hello');
      await settled(talk.handle);
      await talk.handle.executeUpdate(assignUpdate, { args: [alice] });
      const refused = await talk.handle
        .executeUpdate(sendMessageUpdate, { args: [{ body: 'Hi, Bob here', agentId: 'bob', actingRole: 'agent' }] })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: FailureType.NotAssignedToYou, message: expect.stringContaining('Alice') });

      const byAdmin = await talk.handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'Hi, a supervisor here', agentId: 'ada', actingRole: 'admin' }] });
      expect(byAdmin.twilioSid).not.toBeNull();
      expect(talk.store.delivered().map((send) => send.body)).toEqual(['Hi, a supervisor here']);
    } finally {
      await talk.stop();
    }
  });

  it('leaves a history that replays when an update is refused by its validator', async () => {
    const talk = await conversation();
    try {
      await talk.text('hello');
      await settled(talk.handle);
      await talk.handle.executeUpdate(assignUpdate, { args: [alice] });
      const refused = await talk.handle
        .executeUpdate(closeUpdate, { args: [{ actingAgentId: 'bob', actingRole: 'agent' }] })
        .catch((error: unknown) => error);
      expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: FailureType.NotAssignedToYou });
      await talk.handle.executeUpdate(closeUpdate, { args: [{ actingAgentId: 'alice', actingRole: 'agent' }] });

      // A validator must decide without writing anything (a patch marker, say) to history.
      const history = await talk.handle.fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, talk.handle.workflowId);
      expect((await talk.handle.query(stateQuery)).status).toBe('closed');
    } finally {
      await talk.stop();
    }
  });

  it('ends a run that has no stored conversation and nothing to do', async () => {
    const store = new FakeConversationStore();
    store.settings = { ...store.settings, closedLingerSeconds: 1 };
    const talk = await conversation(store);
    try {
      await talk.callback({ messageSid: sid(), status: 'delivered' });
      await waitFor('the run to end by itself', async () => (await talk.handle.describe()).status.name === 'COMPLETED');
      expect(store.exists).toBe(false);
      expect(store.calls).toContain('recordStatusCallback');
    } finally {
      await talk.stop();
    }
  });
});
