// Canned replies against the running API: everyone sees the shared ones and their own, sorted by
// shortcut; only admins add or change shared ones; only the owner changes a personal one;
// shortcuts are unique among shared replies and among each agent's own; bodies meet the limits
// every message meets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNKNOWN_ID } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
let admin: TestAgent;
let ada: TestAgent;
let bob: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  [admin, ada, bob] = await Promise.all([createTestAgent(stack.db, 'admin'), createTestAgent(stack.db, 'agent'), createTestAgent(stack.db, 'agent')]);
});

afterAll(async () => {
  await stack?.stop();
});

const call = (agent: TestAgent, method: string, path: string, body?: unknown) => requestJson(stack.baseUrl, method, path, { token: agent.token, body });
const create = (agent: TestAgent, body: Record<string, unknown>) => call(agent, 'POST', '/api/canned-replies', body);

describe('canned replies', () => {
  it('lists the shared replies and the caller’s own, by shortcut, never another agent’s', async () => {
    const shared = await create(admin, { shortcut: 'hours', title: 'Opening hours', body: 'We are open 9 to 5, Monday to Friday.', shared: true });
    expect(shared.status).toBe(201);
    expect(shared.body).toEqual({
      id: expect.any(String),
      shortcut: 'hours',
      title: 'Opening hours',
      body: 'We are open 9 to 5, Monday to Friday.',
      shared: true,
      ownerAgentId: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const mine = await create(ada, { shortcut: 'bye', title: '  Sign-off  ', body: 'Have a good day!' });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ shared: false, ownerAgentId: ada.id, title: 'Sign-off' });
    expect((await create(ada, { shortcut: 'address', title: 'Address', body: '1 High Street' })).status).toBe(201);
    expect((await create(bob, { shortcut: 'bobs-own', title: 'Bob', body: 'Only Bob sees this' })).status).toBe(201);

    const list = await call(ada, 'GET', '/api/canned-replies');
    expect(list.status).toBe(200);
    expect(list.body.cannedReplies.map((reply: { shortcut: string }) => reply.shortcut)).toEqual(['address', 'bye', 'hours']);
    const bobs = await call(bob, 'GET', '/api/canned-replies');
    expect(bobs.body.cannedReplies.map((reply: { shortcut: string }) => reply.shortcut)).toEqual(['bobs-own', 'hours']);
  });

  it('lets only admins add shared replies', async () => {
    const answer = await create(ada, { shortcut: 'not-allowed', title: 'No', body: 'Agents cannot share', shared: true });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    expect(await stack.db.cannedReply.count({ where: { shortcut: 'not-allowed' } })).toBe(0);
  });

  it('answers 409 shortcut_taken for a shortcut already used among shared replies or among the caller’s own, and lets different owners share one', async () => {
    expect((await create(admin, { shortcut: 'refund', title: 'Refunds', body: 'Refunds take 5 days.', shared: true })).status).toBe(201);
    const sharedAgain = await create(admin, { shortcut: 'refund', title: 'Again', body: 'Again', shared: true });
    expect(sharedAgain.status).toBe(409);
    expect(sharedAgain.body.error.code).toBe('shortcut_taken');

    expect((await create(ada, { shortcut: 'thanks', title: 'Thanks', body: 'Thank you!' })).status).toBe(201);
    const mineAgain = await create(ada, { shortcut: 'thanks', title: 'Thanks 2', body: 'Thanks again!' });
    expect(mineAgain.status).toBe(409);
    expect(mineAgain.body.error.code).toBe('shortcut_taken');
    // Another agent's personal reply, and a personal reply named like a shared one, are fine.
    expect((await create(bob, { shortcut: 'thanks', title: 'Thanks', body: 'Cheers!' })).status).toBe(201);
    expect((await create(ada, { shortcut: 'refund', title: 'My refund text', body: 'Your refund is on its way.' })).status).toBe(201);

    // Renaming onto a taken shortcut is refused the same way.
    const other = await create(ada, { shortcut: 'later', title: 'Later', body: 'I will get back to you.' });
    const rename = await call(ada, 'PATCH', `/api/canned-replies/${other.body.id}`, { shortcut: 'thanks' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.code).toBe('shortcut_taken');
  });

  it('refuses bad shortcuts, titles and bodies with 400, bodies by the message limits', async () => {
    for (const shortcut of ['Upper', 'has space', '', 'x'.repeat(33), 'émoji']) {
      const answer = await create(ada, { shortcut, title: 'T', body: 'B' });
      expect({ shortcut, status: answer.status, code: answer.body.error.code }).toEqual({ shortcut, status: 400, code: 'validation_failed' });
    }
    expect((await create(ada, { shortcut: 'long-title', title: 'x'.repeat(81), body: 'B' })).status).toBe(400);
    expect((await create(ada, { shortcut: 'blank', title: 'Blank', body: '   ' })).body.error.code).toBe('invalid_message');
    expect((await create(ada, { shortcut: 'too-long', title: 'Long', body: 'a'.repeat(1601) })).body.error.code).toBe('body_too_long');
    expect((await create(ada, { shortcut: 'emoji', title: 'Emoji', body: '😀'.repeat(801) })).body.error.code).toBe('body_too_long');
    const segments = await create(ada, { shortcut: 'segments', title: 'UCS-2', body: 'é'.repeat(700) + '😀'.repeat(40) });
    expect(segments.body.error.code).toBe('too_many_segments');
    const patch = await create(ada, { shortcut: 'patch-me', title: 'Patch', body: 'fine' });
    expect((await call(ada, 'PATCH', `/api/canned-replies/${patch.body.id}`, { body: '' })).body.error.code).toBe('invalid_message');
    const nothing = await call(ada, 'PATCH', `/api/canned-replies/${patch.body.id}`, {});
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.code).toBe('validation_failed');
  });

  it('lets the owner change and delete a personal reply, and nobody else', async () => {
    const reply = await create(ada, { shortcut: 'edit-me', title: 'Edit me', body: 'First text' });
    const id = reply.body.id as string;

    for (const other of [bob, admin]) {
      const patch = await call(other, 'PATCH', `/api/canned-replies/${id}`, { body: 'Hijacked' });
      expect(patch.status).toBe(403);
      expect(patch.body.error.code).toBe('forbidden');
      expect((await call(other, 'DELETE', `/api/canned-replies/${id}`)).status).toBe(403);
    }

    const changed = await call(ada, 'PATCH', `/api/canned-replies/${id}`, { title: 'Edited', body: 'Second text' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, shortcut: 'edit-me', title: 'Edited', body: 'Second text', ownerAgentId: ada.id });
    expect(Date.parse(changed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(reply.body.updatedAt));

    expect((await call(ada, 'DELETE', `/api/canned-replies/${id}`)).status).toBe(204);
    expect(await stack.db.cannedReply.findUnique({ where: { id } })).toBeNull();
    expect((await call(ada, 'DELETE', `/api/canned-replies/${id}`)).body.error.code).toBe('not_found');
  });

  it('lets only admins change and delete a shared reply', async () => {
    const reply = await create(admin, { shortcut: 'shared-edit', title: 'Shared', body: 'Shared text', shared: true });
    const id = reply.body.id as string;
    const byAgent = await call(ada, 'PATCH', `/api/canned-replies/${id}`, { title: 'Mine now' });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.error.code).toBe('forbidden');
    expect((await call(ada, 'DELETE', `/api/canned-replies/${id}`)).status).toBe(403);

    const otherAdmin = await createTestAgent(stack.db, 'admin');
    const changed = await call(otherAdmin, 'PATCH', `/api/canned-replies/${id}`, { shortcut: 'shared-edited' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ shortcut: 'shared-edited', shared: true, ownerAgentId: null });
    expect((await call(admin, 'DELETE', `/api/canned-replies/${id}`)).status).toBe(204);
  });

  it('answers 404 not_found for an unknown id', async () => {
    const patch = await call(ada, 'PATCH', `/api/canned-replies/${UNKNOWN_ID}`, { title: 'Nothing' });
    expect(patch.status).toBe(404);
    expect(patch.body.error.code).toBe('not_found');
    expect((await call(ada, 'DELETE', `/api/canned-replies/${UNKNOWN_ID}`)).status).toBe(404);
  });
});
