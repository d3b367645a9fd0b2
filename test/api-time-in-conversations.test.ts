// Time in conversations through the whole stack (real HTTP, PostgreSQL, Temporal dev server and
// the Twilio emulator): scheduling, editing and cancelling messages, the response-time SLA and
// its figures in /api/stats, and auto-close. Durations are configured in seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateQuery } from '../src/shared/conversation-definitions.ts';
import { clientFor, openConversation, sentTo, settled, textIn, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;
let agent: TestAgent;
let api: AgentClient;

beforeAll(async () => {
  // SLA: 2 s for a first reply; quiet conversations close after 3 s.
  stack = await startTestStack({ sla: { firstReplySeconds: 2, followUpSeconds: 600 }, autoCloseSeconds: 3, scheduleHorizonSeconds: 3600 });
  agent = await createTestAgent(stack.db, 'agent', 'Grace Hopper');
  api = clientFor(stack, agent.token);
});

afterAll(async () => {
  await stack?.stop();
});

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const patch = (path: string, body: unknown) => requestJson(stack.baseUrl, 'PATCH', path, { token: agent.token, body });
const remove = (path: string) => requestJson(stack.baseUrl, 'DELETE', path, { token: agent.token });

describe('scheduled messages', () => {
  it('lists a scheduled message with its time and author, and sends it once when it is due', async () => {
    const { id, customer } = await openConversation(stack);
    await api.post(`/api/conversations/${id}/assign`, {});
    const sendAt = inSeconds(3);
    const scheduled = await api.post(`/api/conversations/${id}/messages`, { body: 'Your replacement ships tomorrow', sendAt });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body).toMatchObject({ status: 'scheduled', agentId: agent.id, twilioSid: null });
    expect(Date.parse(scheduled.body.sendAt)).toBe(Date.parse(sendAt));

    const listed = await api.get(`/api/conversations/${id}/messages`);
    expect(listed.body.messages.find((message: { id: string }) => message.id === scheduled.body.id)).toMatchObject({ status: 'scheduled' });
    const detail = await api.get(`/api/conversations/${id}`);
    expect(detail.body.live.timers.scheduled).toEqual([{ messageId: scheduled.body.id, sendAt: new Date(sendAt).toISOString(), agentId: agent.id }]);
    expect(sentTo(stack, customer).map((message) => message.body)).not.toContain('Your replacement ships tomorrow');

    await waitFor('the scheduled message to reach the customer', () => sentTo(stack, customer).some((message) => message.body === 'Your replacement ships tomorrow'), 15_000);
    const row = await waitFor('its row to leave `scheduled`', async () => {
      const message = await stack.db.message.findUniqueOrThrow({ where: { id: scheduled.body.id } });
      return message.twilioSid ? message : undefined;
    });
    expect(['queued', 'sent', 'delivered']).toContain(row.status);
    expect(sentTo(stack, customer).filter((message) => message.body === 'Your replacement ships tomorrow')).toHaveLength(1);
  });

  it('edits and cancels a waiting message, and says clearly what it refuses', async () => {
    const { id, customer } = await openConversation(stack);
    const first = await api.post(`/api/conversations/${id}/messages`, { body: 'draft', sendAt: inSeconds(600) });
    const second = await api.post(`/api/conversations/${id}/messages`, { body: 'never mind', sendAt: inSeconds(600) });
    expect([first.status, second.status]).toEqual([201, 201]);

    const edited = await patch(`/api/conversations/${id}/messages/${first.body.id}`, { body: 'Final words', sendAt: inSeconds(2) });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ body: 'Final words', status: 'scheduled' });

    expect((await remove(`/api/conversations/${id}/messages/${second.body.id}`)).status).toBe(204);
    const cancelled = await stack.db.message.findUniqueOrThrow({ where: { id: second.body.id } });
    expect(cancelled).toMatchObject({ status: 'canceled', errorMessage: 'Canceled by Grace Hopper' });
    const again = await remove(`/api/conversations/${id}/messages/${second.body.id}`);
    expect([again.status, again.body.error.code]).toEqual([409, 'not_scheduled']);

    await waitFor('the edited message to leave', () => sentTo(stack, customer).some((message) => message.body === 'Final words'), 15_000);
    expect(sentTo(stack, customer).map((message) => message.body)).not.toContain('draft');
    expect(sentTo(stack, customer).map((message) => message.body)).not.toContain('never mind');

    const past = await api.post(`/api/conversations/${id}/messages`, { body: 'late', sendAt: new Date(Date.now() - 60_000).toISOString() });
    expect([past.status, past.body.error.code]).toEqual([422, 'invalid_send_at']);
    const tooFar = await api.post(`/api/conversations/${id}/messages`, { body: 'far', sendAt: inSeconds(7200) });
    expect([tooFar.status, tooFar.body.error.code]).toEqual([422, 'invalid_send_at']);
    const noOffset = await api.post(`/api/conversations/${id}/messages`, { body: 'when?', sendAt: '2030-01-01T09:00:00' });
    expect([noOffset.status, noOffset.body.error.code]).toEqual([400, 'validation_failed']);
    const unknown = await patch(`/api/conversations/${id}/messages/${UNKNOWN_ID}`, { body: 'x' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'message_not_found']);
  });
});

describe('response-time SLA', () => {
  it('escalates a waiting customer, stops the clock on a reply, and reports attainment per agent and day', async () => {
    const { id, customer } = await openConversation(stack, 'Where is my refund?');
    const waiting = await api.get(`/api/conversations/${id}`);
    expect(waiting.body.live.timers.waitingSince).not.toBeNull();

    const breached = await waitFor('the wait to be escalated', async () => {
      const conversation = await stack.db.conversation.findUniqueOrThrow({ where: { id } });
      return conversation.attentionReason?.startsWith('waiting ') ? conversation : undefined;
    });
    expect(breached).toMatchObject({ needsAttention: true, slaBreached: true });
    const row = async () => (await api.get(`/api/conversations?customerNumber=${encodeURIComponent(customer)}`)).body.conversations[0];
    expect(await row()).toMatchObject({ id, slaBreached: true });
    const events = await api.get(`/api/conversations/${id}/events`);
    expect(events.body.events.map((event: { type: string }) => event.type)).toContain('sla_breached');
    const live = await stack.db.liveEvent.findFirst({ where: { conversationId: id, type: 'conversation.sla_breached' } });
    expect(live).not.toBeNull();

    const reply = await api.post(`/api/conversations/${id}/messages`, { body: 'Sorry for the wait, refund sent' });
    expect(reply.status).toBe(201);
    await settled(stack, customer);
    const answered = await api.get(`/api/conversations/${id}`);
    expect(answered.body.live.timers).toMatchObject({ waitingSince: null, sla: { breached: false } });
    expect(answered.body).toMatchObject({ needsAttention: false, slaBreached: false });
    expect(await row()).toMatchObject({ id, slaBreached: false });

    const stats = await api.get('/api/stats');
    const today = new Date().toISOString().slice(0, 10);
    const day = stats.body.responseTimes.find((entry: { day: string }) => entry.day === today);
    expect(day.overall.breaches).toBeGreaterThanOrEqual(1);
    expect(day.overall.responses).toBeGreaterThanOrEqual(1);
    const mine = day.agents.find((entry: { agentId: string }) => entry.agentId === agent.id);
    expect(mine).toMatchObject({ agentName: 'Grace Hopper', responses: 1, withinTarget: 0, attainment: 0 });
    expect(mine.medianFirstResponseSeconds).toBeGreaterThanOrEqual(2);
  });
});

describe('auto-close', () => {
  it('closes a quiet conversation nobody needs with a system event, and the next text reopens it', async () => {
    const customer = newCustomerNumber();
    // "yes" gets the Confirmation rule's reply and flags nobody.
    await textIn(stack, customer, 'yes');
    const conversation = await stack.db.conversation.findFirstOrThrow({ where: { customerNumber: customer } });
    expect(conversation.needsAttention).toBe(false);

    await waitFor('the conversation to close itself', async () => (await stack.db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).status === 'closed', 15_000);
    const closed = await stack.db.conversationEvent.findFirstOrThrow({ where: { conversationId: conversation.id, type: 'closed' } });
    expect(closed.agentId).toBeNull();
    expect(closed.data).toMatchObject({ automatic: true });
    expect(await stack.db.liveEvent.count({ where: { conversationId: conversation.id, type: 'conversation.closed' } })).toBe(1);

    await textIn(stack, customer, 'actually, one more thing');
    const reopened = await stack.db.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(reopened).toMatchObject({ status: 'open', needsAttention: true });
    const state = await stack.client.workflow.getHandle(stack.workflowId(customer)).query(stateQuery);
    expect(state.timers?.autoCloseAt).toBeNull();
  });
});
