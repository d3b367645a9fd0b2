// Agent actions on a closed conversation whose workflow run has finished (closed and quiet for
// the linger period, one second here): each request starts a fresh run through
// update-with-start, which must decide from the stored conversation, not from a blank state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';
import { clientFor, openConversation, sentTo, type AgentClient } from './api-conversations-support.ts';

let stack: TestStack;
let alice: TestAgent;
let asAlice: AgentClient;

beforeAll(async () => {
  stack = await startTestStack({ closedLingerSeconds: 1 });
  alice = await createTestAgent(stack.db, 'agent', 'Alice');
  asAlice = clientFor(stack, alice.token);
});

afterAll(async () => {
  await stack?.stop();
});

/** A conversation Alice had, closed (which releases her), with no run of its workflow left running. */
async function closedAndIdle() {
  const opened = await openConversation(stack);
  expect((await asAlice.post(`/api/conversations/${opened.id}/assign`)).status).toBe(200);
  expect((await asAlice.post(`/api/conversations/${opened.id}/close`)).status).toBe(200);
  await untilIdle(opened.customer);
  return opened;
}

async function untilIdle(customer: string) {
  const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
  await waitFor('the closed conversation’s run to finish', async () => (await handle.describe()).status.name === 'COMPLETED');
}

describe('a closed conversation with no running workflow', () => {
  it('shows live: null and its stored state', async () => {
    const { id } = await closedAndIdle();
    const answer = await asAlice.get(`/api/conversations/${id}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'closed', assignedAgent: null, live: null });
  });

  it('refuses a reply with 409 conversation_closed', async () => {
    const { id, customer } = await closedAndIdle();
    const answer = await asAlice.post(`/api/conversations/${id}/messages`, { body: 'Still there?' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('conversation_closed');
    expect(sentTo(stack, customer)).toHaveLength(0);
  });

  it('refuses a second close with 409 conversation_closed', async () => {
    const { id } = await closedAndIdle();
    const answer = await asAlice.post(`/api/conversations/${id}/close`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('conversation_closed');
  });

  it('reopens', async () => {
    const { id } = await closedAndIdle();
    const answer = await asAlice.post(`/api/conversations/${id}/reopen`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'open', closedAt: null, live: { status: 'open', assignedAgentId: null } });
  });

  it('has no agent to unassign: closing released it (409 not_assigned)', async () => {
    const { id } = await closedAndIdle();
    const answer = await asAlice.post(`/api/conversations/${id}/unassign`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('not_assigned');
  });

  it('is reopened and texted by POST /api/conversations', async () => {
    const { id, customer } = await closedAndIdle();
    const answer = await asAlice.post('/api/conversations', { customerNumber: customer, body: 'Picking this up again' });
    expect(answer.status).toBe(201);
    expect(answer.body.conversation).toMatchObject({ id, status: 'open', assignedAgent: { id: alice.id } });
    expect(sentTo(stack, customer).map((message) => message.body)).toEqual(['Picking this up again']);
  });
});
