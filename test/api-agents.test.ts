// Agents and their tokens through the API, against the real stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/api/auth/tokens.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let stack: TestStack;
let admin: TestAgent;
let agent: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  [admin, agent] = await Promise.all([createTestAgent(stack.db, 'admin', 'Admin One'), createTestAgent(stack.db, 'agent', 'Agent One')]);
});

afterAll(async () => {
  await stack?.stop();
});

const api = (method: string, path: string, token: string | undefined, body?: unknown) =>
  requestJson(stack.baseUrl, method, path, { token, body });

let emailCounter = 0;
function uniqueEmail(prefix = 'new'): string {
  emailCounter += 1;
  return `${prefix}-${emailCounter}-${Date.now()}@example.com`;
}

async function addAgent(role: 'agent' | 'admin' = 'agent') {
  const response = await api('POST', '/api/agents', admin.token, { name: `Added ${role}`, email: uniqueEmail(role), role });
  expect(response.status).toBe(201);
  return response.body as { agent: { id: string; email: string }; token: string };
}

describe('GET /api/agents and /api/agents/me', () => {
  it('lists agents with their public fields only', async () => {
    const response = await api('GET', '/api/agents', agent.token);
    expect(response.status).toBe(200);
    const listed = response.body.agents.find((entry: { id: string }) => entry.id === admin.id);
    expect(listed).toEqual({
      id: admin.id,
      name: 'Admin One',
      email: admin.email,
      role: 'admin',
      active: true,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(JSON.stringify(response.body)).not.toMatch(/token/i);
  });

  it('tells an agent who it is', async () => {
    const response = await api('GET', '/api/agents/me', agent.token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: agent.id, name: 'Agent One', role: 'agent', active: true });
  });
});

describe('POST /api/agents', () => {
  it('creates an agent and returns its token once; the token works and only its hash is stored', async () => {
    const email = uniqueEmail('Mixed.Case');
    const response = await api('POST', '/api/agents', admin.token, { name: ' Grace Hopper ', email: ` ${email.toUpperCase()} `, role: 'agent' });
    expect(response.status).toBe(201);
    expect(response.body.agent).toMatchObject({ name: 'Grace Hopper', email: email.toLowerCase(), role: 'agent', active: true });
    expect(response.body.token).toMatch(/^smsa_[A-Za-z0-9_-]{43}$/);

    const me = await api('GET', '/api/agents/me', response.body.token);
    expect(me.body.id).toBe(response.body.agent.id);
    const stored = await stack.db.agentToken.findMany({ where: { agentId: response.body.agent.id } });
    expect(stored.map((row) => row.tokenHash)).toEqual([hashToken(response.body.token)]);
    const listed = await api('GET', '/api/agents', admin.token);
    expect(JSON.stringify(listed.body)).not.toContain(response.body.token);
  });

  it('defaults the role to agent and can create admins', async () => {
    const plain = await api('POST', '/api/agents', admin.token, { name: 'Plain', email: uniqueEmail() });
    expect(plain.body.agent.role).toBe('agent');
    const boss = await addAgent('admin');
    expect((await api('GET', '/api/test-twilio-config', boss.token)).status).toBe(200);
  });

  it('answers 409 email_taken for an email in use, whatever its case', async () => {
    const response = await api('POST', '/api/agents', admin.token, { name: 'Twin', email: admin.email.toUpperCase() });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('email_taken');
    expect(await stack.db.agent.count({ where: { name: 'Twin' } })).toBe(0);
  });

  it.each([
    ['no name', { email: 'a@example.com' }, 'body.name'],
    ['an empty name', { name: ' ', email: 'a@example.com' }, 'body.name'],
    ['a bad email', { name: 'A', email: 'not-an-email' }, 'body.email'],
    ['an unknown role', { name: 'A', email: 'a@example.com', role: 'owner' }, 'body.role'],
  ])('answers 400 for %s', async (_case, body, field) => {
    const response = await api('POST', '/api/agents', admin.token, body);
    expect(response.status).toBe(400);
    expect(response.body.error.details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
  });

  it('is for admins only', async () => {
    const response = await api('POST', '/api/agents', agent.token, { name: 'Sneaky', email: uniqueEmail() });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
  });
});

describe('POST /api/agents/:id/deactivate', () => {
  it('stops the agent’s tokens at once and shows it as inactive', async () => {
    const added = await addAgent();
    expect((await api('GET', '/api/agents/me', added.token)).status).toBe(200);

    const response = await api('POST', `/api/agents/${added.agent.id}/deactivate`, admin.token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: added.agent.id, active: false });

    const refused = await api('GET', '/api/agents/me', added.token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
    const tokens = await stack.db.agentToken.findMany({ where: { agentId: added.agent.id } });
    expect(tokens.every((row) => row.revokedAt !== null)).toBe(true);

    const again = await api('POST', `/api/agents/${added.agent.id}/deactivate`, admin.token);
    expect(again.status).toBe(200);
    expect(again.body.active).toBe(false);
  });

  it('refuses an admin deactivating themself with 409', async () => {
    const response = await api('POST', `/api/agents/${admin.id}/deactivate`, admin.token);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('cannot_deactivate_self');
    expect((await api('GET', '/api/agents/me', admin.token)).status).toBe(200);
  });

  it('answers 404 agent_not_found and is for admins only', async () => {
    const missing = await api('POST', '/api/agents/00000000-0000-4000-8000-000000000000/deactivate', admin.token);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('agent_not_found');
    const byAgent = await api('POST', `/api/agents/${admin.id}/deactivate`, agent.token);
    expect(byAgent.status).toBe(403);
  });
});

describe('POST /api/agents/:id/rotate-token', () => {
  it('lets an agent rotate its own token: the new one works, every earlier one is revoked', async () => {
    const added = await addAgent();
    const extra = await api('POST', `/api/agents/${added.agent.id}/rotate-token`, admin.token);
    const earlier = [added.token, extra.body.token as string];

    const rotated = await api('POST', `/api/agents/${added.agent.id}/rotate-token`, extra.body.token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.agent.id).toBe(added.agent.id);
    expect(earlier).not.toContain(rotated.body.token);

    expect((await api('GET', '/api/agents/me', rotated.body.token)).status).toBe(200);
    for (const token of earlier) {
      const refused = await api('GET', '/api/agents/me', token);
      expect(refused.status).toBe(401);
    }
  });

  it('lets an admin rotate anyone’s token, and no agent rotate another’s', async () => {
    const target = await addAgent();
    const byOther = await api('POST', `/api/agents/${target.agent.id}/rotate-token`, agent.token);
    expect(byOther.status).toBe(403);
    expect(byOther.body.error.code).toBe('forbidden');
    expect((await api('GET', '/api/agents/me', target.token)).status).toBe(200);

    const byAdmin = await api('POST', `/api/agents/${target.agent.id}/rotate-token`, admin.token);
    expect(byAdmin.status).toBe(200);
    expect((await api('GET', '/api/agents/me', target.token)).status).toBe(401);
    expect((await api('GET', '/api/agents/me', byAdmin.body.token)).status).toBe(200);
  });

  it('answers 409 agent_inactive for a deactivated agent and 404 for an unknown one', async () => {
    const target = await addAgent();
    await api('POST', `/api/agents/${target.agent.id}/deactivate`, admin.token);
    const inactive = await api('POST', `/api/agents/${target.agent.id}/rotate-token`, admin.token);
    expect(inactive.status).toBe(409);
    expect(inactive.body.error.code).toBe('agent_inactive');
    expect(await stack.db.agentToken.count({ where: { agentId: target.agent.id, revokedAt: null } })).toBe(0);

    const missing = await api('POST', '/api/agents/00000000-0000-4000-8000-000000000000/rotate-token', admin.token);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('agent_not_found');
  });
});
