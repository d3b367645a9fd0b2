// Dashboard statistics from data made through the real pipeline: customers text in through the
// emulator, auto-replies and agent replies go out through Twilio (the emulator) and come back
// with delivery statuses, agents assign and close through the workflow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignUpdate, closeUpdate, sendMessageUpdate, stateQuery } from '../src/shared/conversation-definitions.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

let stack: TestStack;
let agent: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  agent = await createTestAgent(stack.db, 'agent');
});

afterAll(async () => {
  await stack?.stop();
});

const stats = async () => {
  const response = await requestJson(stack.baseUrl, 'GET', '/api/stats', { token: agent.token });
  expect(response.status).toBe(200);
  return response.body;
};

const workflow = (customer: string) => stack.client.workflow.getHandle(stack.workflowId(customer));

async function textAndSettle(customer: string, body: string) {
  expect((await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body })).status).toBe(200);
  await waitFor('the text to be processed', async () => {
    const stored = await stack.db.message.count({ where: { fromNumber: customer, direction: 'inbound' } });
    return stored > 0 && (await workflow(customer).query(stateQuery)).pendingWork === 0;
  });
}

async function agentReplies(customer: string, body: string) {
  return workflow(customer).executeUpdate(sendMessageUpdate, { args: [{ body, agentId: agent.id }] });
}

/** Seconds from the customer's first text to the first agent reply, from the stored rows. */
async function firstResponseSeconds(customer: string): Promise<number> {
  const messages = await stack.db.message.findMany({ where: { conversation: { customerNumber: customer } }, orderBy: { createdAt: 'asc' } });
  const first = messages.find((message) => message.direction === 'inbound')!;
  const reply = messages.find((message) => message.author === 'agent' && message.createdAt >= first.createdAt)!;
  return (reply.createdAt.getTime() - first.createdAt.getTime()) / 1000;
}

/** A conversation from before the windows, written directly: the pipeline only writes "now". */
async function oldConversation(customer: string, startedAt: Date, responseSeconds: number) {
  const contact = await stack.db.contact.create({ data: { phoneNumber: customer } });
  await stack.db.conversation.create({
    data: {
      businessNumber: BUSINESS_NUMBER,
      customerNumber: customer,
      workflowId: stack.workflowId(customer),
      contactId: contact.id,
      status: 'closed',
      createdAt: startedAt,
      messages: {
        create: [
          { direction: 'inbound', author: 'customer', body: 'old question', status: 'received', fromNumber: customer, toNumber: BUSINESS_NUMBER, createdAt: startedAt },
          {
            direction: 'outbound',
            author: 'agent',
            agentId: agent.id,
            body: 'old answer',
            status: 'failed',
            fromNumber: BUSINESS_NUMBER,
            toNumber: customer,
            createdAt: new Date(startedAt.getTime() + responseSeconds * 1000),
          },
        ],
      },
    },
  });
}

describe('GET /api/stats', () => {
  it('reports zeros, and null rates, before anything happened', async () => {
    const before = Date.now();
    const body = await stats();
    expect(body).toEqual({
      conversations: { open: 0, unassigned: 0, needsAttention: 0 },
      messagesToday: { inbound: 0, outbound: 0 },
      autoRepliesToday: 0,
      deliverySuccessRate: null,
      medianFirstResponseSeconds: null,
      responseTimes: [],
      window: { todayStartsAt: expect.stringMatching(/T00:00:00\.000Z$/), firstResponseSince: expect.any(String) },
    });
    const todayStartsAt = Date.parse(body.window.todayStartsAt);
    expect(todayStartsAt).toBeLessThanOrEqual(before);
    expect(before - todayStartsAt).toBeLessThan(DAY_MS);
    expect(Math.abs(before - DAY_MS * 7 - Date.parse(body.window.firstResponseSince))).toBeLessThan(60_000);
  });

  it('counts conversations, today’s messages, delivery and first-response time', async () => {
    const [helpSeeker, unmatched, confirmer, questioner] = [newCustomerNumber(), newCustomerNumber(), newCustomerNumber(), newCustomerNumber()];
    stack.emulator.setDeliveryOutcome(unmatched, 'undelivered');
    stack.emulator.setDeliveryOutcome(confirmer, 'failed');

    // Open, unassigned, flagged by the Help rule; its auto-reply is delivered.
    await textAndSettle(helpSeeker, 'help please');
    // Flagged (no rule matches), answered by an agent (undelivered) and assigned to them.
    await textAndSettle(unmatched, 'hello there');
    await agentReplies(unmatched, 'Hi, how can I help?');
    await workflow(unmatched).executeUpdate(assignUpdate, { args: [{ agentId: agent.id, actingAgentId: agent.id }] });
    // Confirmation auto-reply (fails), then closed by an agent.
    await textAndSettle(confirmer, 'yes');
    await workflow(confirmer).executeUpdate(closeUpdate, { args: [{ actingAgentId: agent.id }] });
    // Answered by an agent (delivered), left unassigned.
    await textAndSettle(questioner, 'a question about my account');
    await agentReplies(questioner, 'Sure, what would you like to know?');

    await waitFor('every outbound message to reach a final status', async () => {
      const statuses = (await stack.db.message.findMany({ where: { direction: 'outbound' }, select: { status: true } })).map((m) => m.status);
      return statuses.length === 4 && statuses.every((status) => ['delivered', 'undelivered', 'failed'].includes(status));
    });

    // Outside the windows, or never sent: must not count.
    const helpConversation = await stack.db.conversation.findFirstOrThrow({ where: { customerNumber: helpSeeker } });
    const todayStartsAt = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
    const lastNight = new Date(todayStartsAt.getTime() - 60_000);
    await stack.db.message.createMany({
      data: [
        { conversationId: helpConversation.id, direction: 'inbound', author: 'customer', body: 'last night', status: 'received', fromNumber: helpSeeker, toNumber: BUSINESS_NUMBER, createdAt: lastNight },
        { conversationId: helpConversation.id, direction: 'outbound', author: 'auto_response', body: 'last night', status: 'failed', fromNumber: BUSINESS_NUMBER, toNumber: helpSeeker, createdAt: lastNight },
        { conversationId: helpConversation.id, direction: 'outbound', author: 'agent', agentId: agent.id, body: 'refused today', status: 'refused', fromNumber: BUSINESS_NUMBER, toNumber: helpSeeker },
      ],
    });
    await oldConversation(newCustomerNumber(), new Date(Date.now() - 8 * DAY_MS), 10_000);
    await oldConversation(newCustomerNumber(), new Date(Date.now() - 9 * DAY_MS), 20_000);

    const body = await stats();
    expect(body.conversations).toEqual({ open: 3, unassigned: 2, needsAttention: 1 });
    expect(body.messagesToday).toEqual({ inbound: 4, outbound: 4 });
    expect(body.autoRepliesToday).toBe(2);
    expect(body.deliverySuccessRate).toBe(0.5);
    const expectedMedian = ((await firstResponseSeconds(unmatched)) + (await firstResponseSeconds(questioner))) / 2;
    expect(body.medianFirstResponseSeconds).toBeCloseTo(expectedMedian, 3);
    expect(body.medianFirstResponseSeconds).toBeGreaterThan(0);
    expect(body.medianFirstResponseSeconds).toBeLessThan(60);
  });

  it('is open to every agent and needs a token', async () => {
    const response = await requestJson(stack.baseUrl, 'GET', '/api/stats');
    expect(response.status).toBe(401);
  });
});
