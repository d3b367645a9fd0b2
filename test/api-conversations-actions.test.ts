// Agent actions on a conversation through the REST API, against the real stack: assignment
// (including two agents racing for the same conversation), unassign, close, reopen, flag,
// unflag, and the audit trail each leaves with the acting agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { clientFor, openConversation, UNKNOWN_ID, type AgentClient } from './api-conversations-support.ts';

let stack: TestStack;
let alice: TestAgent;
let bob: TestAgent;
let admin: TestAgent;
let asAlice: AgentClient;
let asBob: AgentClient;
let asAdmin: AgentClient;

beforeAll(async () => {
  stack = await startTestStack();
  [alice, bob, admin] = await Promise.all([
    createTestAgent(stack.db, 'agent', 'Alice'),
    createTestAgent(stack.db, 'agent', 'Bob'),
    createTestAgent(stack.db, 'admin', 'Ada (admin)'),
  ]);
  asAlice = clientFor(stack, alice.token);
  asBob = clientFor(stack, bob.token);
  asAdmin = clientFor(stack, admin.token);
});

afterAll(async () => {
  await stack?.stop();
});

async function eventsOf(conversationId: string) {
  const answer = await asAlice.get(`/api/conversations/${conversationId}/events?limit=100`);
  expect(answer.status).toBe(200);
  return answer.body.events as { type: string; agent: { id: string; name: string } | null; data: Record<string, unknown> }[];
}

describe('POST /api/conversations/:id/assign', () => {
  it('assigns the conversation to the caller by default and answers with the conversation', async () => {
    const { id } = await openConversation(stack);
    const answer = await asAlice.post(`/api/conversations/${id}/assign`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id,
      status: 'open',
      assignedAgent: { id: alice.id, name: 'Alice' },
      live: { assignedAgentId: alice.id, status: 'open' },
    });
    const stored = await stack.db.conversation.findUniqueOrThrow({ where: { id } });
    expect(stored.assignedAgentId).toBe(alice.id);
  });

  it('assigns to another active agent, recording who did it', async () => {
    const { id } = await openConversation(stack);
    const answer = await asAlice.post(`/api/conversations/${id}/assign`, { agentId: bob.id });
    expect(answer.status).toBe(200);
    expect(answer.body.assignedAgent).toEqual({ id: bob.id, name: 'Bob' });
    const assigned = (await eventsOf(id)).find((event) => event.type === 'assigned');
    expect(assigned).toMatchObject({ agent: { id: alice.id, name: 'Alice' }, data: { agentId: bob.id } });
  });

  it('answers 422 agent_not_assignable for an unknown or deactivated agent, and assigns nobody', async () => {
    const { id } = await openConversation(stack);
    const unknown = await asAlice.post(`/api/conversations/${id}/assign`, { agentId: UNKNOWN_ID });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('agent_not_assignable');

    const gone = await createTestAgent(stack.db, 'agent', 'Gone');
    await stack.db.agent.update({ where: { id: gone.id }, data: { active: false } });
    const deactivated = await asAlice.post(`/api/conversations/${id}/assign`, { agentId: gone.id });
    expect(deactivated.status).toBe(422);
    expect(deactivated.body.error.code).toBe('agent_not_assignable');
    expect((await stack.db.conversation.findUniqueOrThrow({ where: { id } })).assignedAgentId).toBeNull();
  });

  it('refuses to take a conversation another agent holds (409), lets only an admin force it (403 otherwise)', async () => {
    const { id } = await openConversation(stack);
    expect((await asAlice.post(`/api/conversations/${id}/assign`)).status).toBe(200);

    const taken = await asBob.post(`/api/conversations/${id}/assign`);
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'already_assigned', details: { assignedAgentId: alice.id } });

    const forcedByAgent = await asBob.post(`/api/conversations/${id}/assign`, { force: true });
    expect(forcedByAgent.status).toBe(403);
    expect(forcedByAgent.body.error.code).toBe('forbidden');

    const forcedByAdmin = await asAdmin.post(`/api/conversations/${id}/assign`, { agentId: bob.id, force: true });
    expect(forcedByAdmin.status).toBe(200);
    expect(forcedByAdmin.body.assignedAgent.id).toBe(bob.id);
    const assignments = (await eventsOf(id)).filter((event) => event.type === 'assigned');
    expect(assignments.map((event) => [event.agent?.id, event.data.agentId])).toEqual([
      [alice.id, alice.id],
      [admin.id, bob.id],
    ]);
  });

  it('is idempotent for the agent who already holds the conversation', async () => {
    const { id } = await openConversation(stack);
    expect((await asAlice.post(`/api/conversations/${id}/assign`)).status).toBe(200);
    const again = await asAlice.post(`/api/conversations/${id}/assign`);
    expect(again.status).toBe(200);
    expect(again.body.assignedAgent.id).toBe(alice.id);
  });

  it('lets exactly one of two agents racing for the same conversation win', async () => {
    for (let round = 0; round < 4; round++) {
      const { id } = await openConversation(stack);
      const [forAlice, forBob] = await Promise.all([asAlice.post(`/api/conversations/${id}/assign`), asBob.post(`/api/conversations/${id}/assign`)]);
      const statuses = [forAlice.status, forBob.status].sort();
      expect(statuses, `round ${round}`).toEqual([200, 409]);
      const [winner, winnerAnswer, loserAnswer] = forAlice.status === 200 ? [alice, forAlice, forBob] : [bob, forBob, forAlice];
      expect(winnerAnswer.body.assignedAgent.id).toBe(winner.id);
      expect(loserAnswer.body.error).toMatchObject({ code: 'already_assigned', details: { assignedAgentId: winner.id } });
      expect((await stack.db.conversation.findUniqueOrThrow({ where: { id } })).assignedAgentId).toBe(winner.id);
      const assignments = (await eventsOf(id)).filter((event) => event.type === 'assigned');
      expect(assignments.map((event) => event.agent?.id)).toEqual([winner.id]);
    }
  });

  it('refuses a closed conversation with 409 conversation_closed', async () => {
    const { id } = await openConversation(stack);
    expect((await asAlice.post(`/api/conversations/${id}/close`)).status).toBe(200);
    const answer = await asAlice.post(`/api/conversations/${id}/assign`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('conversation_closed');
  });

  it('validates the body', async () => {
    const { id } = await openConversation(stack);
    const answer = await asAlice.post(`/api/conversations/${id}/assign`, { agentId: 'alice', force: 'yes' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details.fields.map((field: { field: string }) => field.field).sort()).toEqual(['body.agentId', 'body.force']);
  });
});

describe('POST /api/conversations/:id/unassign', () => {
  it('answers 409 not_assigned when nobody holds the conversation', async () => {
    const { id } = await openConversation(stack);
    const answer = await asAlice.post(`/api/conversations/${id}/unassign`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('not_assigned');
  });

  it('lets only the owner release the conversation, and records who released it', async () => {
    const { id } = await openConversation(stack);
    await asAlice.post(`/api/conversations/${id}/assign`);
    const refused = await asBob.post(`/api/conversations/${id}/unassign`);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'not_assigned_to_you', message: expect.stringContaining('Alice') });

    const answer = await asAlice.post(`/api/conversations/${id}/unassign`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ assignedAgent: null, live: { assignedAgentId: null } });
    const unassigned = (await eventsOf(id)).find((event) => event.type === 'unassigned');
    expect(unassigned).toMatchObject({ agent: { id: alice.id }, data: { previousAgentId: alice.id, previousAgentName: 'Alice' } });
  });
});

describe('close, reopen, flag, unflag', () => {
  it('closes with a reason, refuses a second close, reopens, refuses a second reopen', async () => {
    const { id } = await openConversation(stack);
    const closed = await asAlice.post(`/api/conversations/${id}/close`, { reason: 'Resolved on the phone' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', needsAttention: false, live: { status: 'closed' } });
    expect(closed.body.closedAt).toEqual(expect.any(String));

    const closedAgain = await asAlice.post(`/api/conversations/${id}/close`);
    expect(closedAgain.status).toBe(409);
    expect(closedAgain.body.error.code).toBe('conversation_closed');

    const reopened = await asBob.post(`/api/conversations/${id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', closedAt: null, live: { status: 'open' } });

    const reopenedAgain = await asBob.post(`/api/conversations/${id}/reopen`);
    expect(reopenedAgain.status).toBe(409);
    expect(reopenedAgain.body.error.code).toBe('conversation_open');
  });

  it('flags with a reason and unflags', async () => {
    const { id } = await openConversation(stack);
    await asAlice.post(`/api/conversations/${id}/unflag`);
    const flagged = await asAlice.post(`/api/conversations/${id}/flag`, { reason: 'Customer sounds upset' });
    expect(flagged.status).toBe(200);
    expect(flagged.body).toMatchObject({ needsAttention: true, attentionReason: 'Customer sounds upset', live: { needsAttention: true } });
    const unflagged = await asAlice.post(`/api/conversations/${id}/unflag`);
    expect(unflagged.status).toBe(200);
    expect(unflagged.body).toMatchObject({ needsAttention: false, attentionReason: null, live: { needsAttention: false } });
  });

  it('refuses a blank reason with 400', async () => {
    const { id } = await openConversation(stack);
    const answer = await asAlice.post(`/api/conversations/${id}/close`, { reason: '   ' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields[0].field).toBe('body.reason');
  });
});

describe('every action', () => {
  const actions = ['assign', 'unassign', 'close', 'reopen', 'flag', 'unflag'];

  it('answers 404 conversation_not_found for an unknown id and 400 for an id that is not a uuid', async () => {
    for (const action of actions) {
      const unknown = await asAlice.post(`/api/conversations/${UNKNOWN_ID}/${action}`);
      expect(unknown.status, action).toBe(404);
      expect(unknown.body.error.code, action).toBe('conversation_not_found');
      const malformed = await asAlice.post(`/api/conversations/not-a-uuid/${action}`);
      expect(malformed.status, action).toBe(400);
      expect(malformed.body.error.details.fields[0].field, action).toBe('params.id');
    }
  });

  it('needs a token', async () => {
    const { id } = await openConversation(stack);
    for (const action of actions) {
      const answer = await requestJson(stack.baseUrl, 'POST', `/api/conversations/${id}/${action}`, { body: {} });
      expect(answer.status, action).toBe(401);
    }
  });
});

describe('the audit trail', () => {
  it('shows each action in order with the agent who took it', async () => {
    const { id } = await openConversation(stack);
    await asAlice.post(`/api/conversations/${id}/assign`);
    await asAlice.post(`/api/conversations/${id}/close`, { reason: 'Done' });
    await asBob.post(`/api/conversations/${id}/reopen`);
    await asBob.post(`/api/conversations/${id}/flag`, { reason: 'Follow up tomorrow' });

    const events = await eventsOf(id);
    const agentActions = events.filter((event) => event.agent !== null).map((event) => [event.type, event.agent?.name, event.data.reason]);
    expect(agentActions).toEqual([
      ['assigned', 'Alice', undefined],
      ['closed', 'Alice', 'Done'],
      ['reopened', 'Bob', undefined],
      ['flagged', 'Bob', 'Follow up tomorrow'],
    ]);
    // The customer's text opened the conversation and no rule answered it, so the system flagged it first.
    expect(events.slice(0, 2).map((event) => [event.type, event.agent])).toEqual([
      ['opened', null],
      ['flagged', null],
    ]);
  });
});
