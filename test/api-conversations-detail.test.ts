// Reading one conversation through the REST API, against the real stack: its stored data and
// the workflow's live state, its messages (newest first) and its audit trail (oldest first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';
import { clientFor, openConversation, optOut, sentTo, textIn, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';

let stack: TestStack;
let alice: TestAgent;
let asAlice: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  alice = await createTestAgent(stack.db, 'agent', 'Alice');
  asAlice = clientFor(stack, alice.token);
});

afterAll(async () => {
  await stack?.stop();
});

/** Every page of a conversation's messages or events, walked with its cursors. */
async function walk(path: string, key: 'messages' | 'events', limit: number) {
  const items: any[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const answer = await asAlice.get(`${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(answer.status).toBe(200);
    items.push(...answer.body[key]);
    pages++;
    cursor = answer.body.nextCursor;
  } while (cursor);
  return { items, pages };
}

describe('GET /api/conversations/:id', () => {
  it("answers the stored conversation, its contact and the workflow's live state", async () => {
    const { id, customer } = await openConversation(stack, 'help');
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    const answer = await asAlice.get(`/api/conversations/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id,
      businessNumber: BUSINESS_NUMBER,
      customerNumber: customer,
      status: 'open',
      assignedAgent: null,
      needsAttention: true,
      attentionReason: expect.stringMatching(/Help/),
      closedAt: null,
      unreadCount: 1,
      lastMessage: { direction: 'outbound', author: 'auto_response' },
      contact: { phoneNumber: customer, optedOut: false, optedOutAt: null, optOutKeyword: null },
      live: {
        workflowId: stack.workflowId(customer),
        status: 'open',
        assignedAgentId: null,
        needsAttention: true,
        optedOut: false,
        autoReplies: { limit: 3, windowSeconds: 600, sentInWindow: 1, nextAllowedAt: null },
        pendingWork: expect.any(Number),
      },
    });
    expect(Date.parse(answer.body.createdAt)).not.toBeNaN();
    expect(Date.parse(answer.body.lastActivityAt)).not.toBeNaN();
  });

  it("shows the contact's opt-out", async () => {
    const { id, customer } = await openConversation(stack);
    await optOut(stack, customer);
    const answer = await asAlice.get(`/api/conversations/${id}`);
    expect(answer.body.contact).toMatchObject({ optedOut: true, optOutKeyword: 'STOP', optedOutAt: expect.any(String) });
    expect(answer.body.live.optedOut).toBe(true);
  });

  it('answers live: null when no run of the workflow is running', async () => {
    const { id, customer } = await openConversation(stack);
    await stack.client.workflow.getHandle(stack.workflowId(customer)).terminate('test: no run running');
    const answer = await asAlice.get(`/api/conversations/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id, status: 'open', live: null });
  });

  it('answers 404 conversation_not_found for an unknown id, 400 for a malformed one, 401 without a token', async () => {
    const unknown = await asAlice.get(`/api/conversations/${UNKNOWN_ID}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('conversation_not_found');
    const malformed = await asAlice.get('/api/conversations/12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'params.id' }] } });
    expect((await requestJson(stack.baseUrl, 'GET', `/api/conversations/${UNKNOWN_ID}`)).status).toBe(401);
  });
});

describe('GET /api/conversations/:id/messages', () => {
  it('pages through the messages newest first, each with its delivery details', async () => {
    const { id, customer } = await openConversation(stack, 'First');
    await textIn(stack, customer, 'Second');
    const reply = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Third, from Alice' });
    expect(reply.status).toBe(201);
    await textIn(stack, customer, 'Fourth');
    await textIn(stack, customer, 'Fifth');

    const { items, pages } = await walk(`/api/conversations/${id}/messages`, 'messages', 2);
    expect(pages).toBe(3);
    expect(items.map((message) => message.body)).toEqual(['Fifth', 'Fourth', 'Third, from Alice', 'Second', 'First']);
    expect(new Set(items.map((message) => message.id)).size).toBe(5);

    const sid = sentTo(stack, customer)[0]!.sid;
    const delivered = await waitFor('the reply to be delivered', async () => {
      const answer = await asAlice.get(`/api/conversations/${id}/messages?limit=5`);
      const found = answer.body.messages.find((message: { id: string }) => message.id === reply.body.id);
      return found?.status === 'delivered' ? found : undefined;
    });
    expect(delivered).toEqual({
      id: reply.body.id,
      conversationId: id,
      direction: 'outbound',
      author: 'agent',
      body: 'Third, from Alice',
      bodyNormalized: false,
      status: 'delivered',
      errorCode: null,
      errorMessage: null,
      twilioSid: sid,
      numSegments: 1,
      encoding: 'GSM-7',
      mediaUrls: [],
      agentId: alice.id,
      autoResponseRuleId: null,
      createdAt: expect.any(String),
      sentAt: expect.any(String),
      statusUpdatedAt: expect.any(String),
      sendAt: null,
    });
    const inbound = items.find((message) => message.body === 'First');
    expect(inbound).toMatchObject({ direction: 'inbound', author: 'customer', bodyNormalized: false, status: 'received', twilioSid: expect.stringMatching(/^SM/), agentId: null });
  });

  it('answers 404 for an unknown conversation and 400 for a bad cursor or limit', async () => {
    const { id } = await openConversation(stack);
    expect((await asAlice.get(`/api/conversations/${UNKNOWN_ID}/messages`)).status).toBe(404);
    const badCursor = await asAlice.get(`/api/conversations/${id}/messages?cursor=xyz`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    expect((await asAlice.get(`/api/conversations/${id}/messages?limit=1000`)).status).toBe(400);
  });
});

describe('GET /api/conversations/:id/events', () => {
  it('pages through the audit trail oldest first, naming the acting agent', async () => {
    const { id } = await openConversation(stack);
    await asAlice.post(`/api/conversations/${id}/assign`);
    await asAlice.post(`/api/conversations/${id}/close`, { reason: 'Sorted' });
    await asAlice.post(`/api/conversations/${id}/reopen`);

    const { items, pages } = await walk(`/api/conversations/${id}/events`, 'events', 2);
    expect(pages).toBe(3);
    expect(items.map((event) => event.type)).toEqual(['opened', 'flagged', 'assigned', 'closed', 'reopened']);
    expect(items[0]).toEqual({ id: expect.any(String), type: 'opened', agent: null, data: {}, createdAt: expect.any(String) });
    expect(items[3]).toMatchObject({ type: 'closed', agent: { id: alice.id, name: 'Alice' }, data: { reason: 'Sorted' } });
    const times = items.map((event) => Date.parse(event.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('answers 404 for an unknown conversation', async () => {
    const answer = await asAlice.get(`/api/conversations/${UNKNOWN_ID}/events`);
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('conversation_not_found');
  });
});
