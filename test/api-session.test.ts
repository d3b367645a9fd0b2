// Console sign-in against the running API: email + password for an HttpOnly session cookie and a
// CSRF token; the cookie works on every agent route (state-changing ones only with the CSRF
// header); sign-out, expiry and deactivation end it; failed sign-ins are limited per email and
// client address across API processes; passwords are set by admins or by agents themselves.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/api/auth/tokens.ts';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createLogger } from '../src/infra/logger.ts';
import { openConversation } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { signIn, signInRequest } from './support/console-session.ts';
import { freePort } from './support/free-port.ts';
import { requestJson } from './support/http.ts';
import { liveEventOf, openSse } from './support/sse-client.ts';
import { BUSINESS_NUMBER, startTestStack, type TestStack } from './support/stack.ts';

const PASSWORD = 'correct horse battery';

let stack: TestStack;
let admin: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await createTestAgent(stack.db, 'admin');
});

afterAll(async () => {
  await stack?.stop();
});

/** A new agent with a console password, added through the agents API as an admin does it. */
async function agentWithPassword(role: 'agent' | 'admin' = 'agent', password = PASSWORD) {
  const email = `console-${randomBytes(4).toString('hex')}@example.test`;
  const created = await requestJson(stack.baseUrl, 'POST', '/api/agents', { token: admin.token, body: { name: `Console ${role}`, email, role, password } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.agent.id as string, email, password, token: created.body.token as string };
}

describe('signing in', () => {
  it('answers the agent, a CSRF token and the expiry, and sets an HttpOnly SameSite=Strict cookie whose hash alone is stored', async () => {
    const agent = await agentWithPassword();
    const before = Date.now();
    const answer = await signInRequest(stack.baseUrl, agent.email.toUpperCase(), PASSWORD);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      agent: { id: agent.id, name: 'Console agent', email: agent.email, role: 'agent' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const expiresAt = Date.parse(answer.body.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(12 * 3_600_000 - 1_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);

    const setCookie = answer.headers.get('set-cookie')!;
    const [pair, ...attributes] = setCookie.split(';').map((part) => part.trim());
    const value = pair!.replace(/^sms_session=/, '');
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict']);

    const rows = await stack.db.agentSession.findMany({ where: { agentId: agent.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tokenHash: hashToken(value), csrfToken: answer.body.csrfToken, revokedAt: null });
    expect(JSON.stringify(rows)).not.toContain(value);
    expect(rows[0]!.expiresAt.toISOString()).toBe(answer.body.expiresAt);
  });

  it('tells the page who is signed in, and the cookie works on agent routes without a token', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);

    const current = await session.request('GET', '/api/session');
    expect(current.status).toBe(200);
    expect(current.body).toEqual({ agent: session.agent, csrfToken: session.csrfToken, expiresAt: expect.any(String) });
    const me = await session.request('GET', '/api/agents/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: agent.id, email: agent.email });
    expect((await session.request('GET', '/api/conversations')).status).toBe(200);
    // An agent's session does not open admin routes.
    expect((await session.request('GET', '/api/test-twilio-config')).body.error.code).toBe('forbidden');
  });

  it('answers one 401 invalid_credentials for a wrong password, an unknown email, an agent without a password and a deactivated agent', async () => {
    const agent = await agentWithPassword();
    const tokenOnly = await createTestAgent(stack.db, 'agent');
    const deactivated = await agentWithPassword();
    expect((await requestJson(stack.baseUrl, 'POST', `/api/agents/${deactivated.id}/deactivate`, { token: admin.token })).status).toBe(200);

    const attempts = [
      [agent.email, 'not the password at all'],
      [`nobody-${randomBytes(4).toString('hex')}@example.test`, PASSWORD],
      [tokenOnly.email, PASSWORD],
      [deactivated.email, PASSWORD],
    ];
    for (const [email, password] of attempts) {
      const answer = await signInRequest(stack.baseUrl, email!, password!);
      expect({ email, status: answer.status, error: answer.body.error }).toEqual({
        email,
        status: 401,
        error: { code: 'invalid_credentials', message: 'Email or password is wrong' },
      });
      expect(answer.headers.get('set-cookie')).toBeNull();
    }
    expect(await stack.db.agentSession.count({ where: { agentId: { in: [agent.id, tokenOnly.id, deactivated.id] } } })).toBe(0);
  });

  it('answers 401 unauthorized to GET /api/session without a live session, even with a valid bearer token', async () => {
    expect((await requestJson(stack.baseUrl, 'GET', '/api/session')).body.error.code).toBe('unauthorized');
    expect((await requestJson(stack.baseUrl, 'GET', '/api/session', { token: admin.token })).status).toBe(401);
    const stale = await requestJson(stack.baseUrl, 'GET', '/api/session', { headers: { Cookie: `sms_session=${randomBytes(32).toString('base64url')}` } });
    expect(stale.status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request made with the cookie unless X-CSRF-Token is the session’s, and never asks it of GET or of bearer tokens', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);
    const body = { shortcut: 'csrf-check', title: 'CSRF', body: 'Thanks for waiting' };

    const without = await session.request('POST', '/api/canned-replies', { body, csrf: false });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const wrong = await session.request('POST', '/api/canned-replies', { body, csrf: randomBytes(32).toString('base64url') });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('csrf_failed');
    expect(await stack.db.cannedReply.count({ where: { ownerAgentId: agent.id } })).toBe(0);

    const right = await session.request('POST', '/api/canned-replies', { body });
    expect(right.status).toBe(201);
    expect(right.body.ownerAgentId).toBe(agent.id);

    // The bearer token wins over the cookie, and a token needs no CSRF header.
    const byToken = await requestJson(stack.baseUrl, 'POST', '/api/canned-replies', {
      token: agent.token,
      body: { ...body, shortcut: 'csrf-token' },
      headers: { Cookie: `sms_session=${session.cookie}` },
    });
    expect(byToken.status).toBe(201);
    // Another session's CSRF token is no good either.
    const other = await signIn(stack.baseUrl, agent.email, PASSWORD);
    expect((await session.request('DELETE', '/api/session', { csrf: other.csrfToken })).body.error.code).toBe('csrf_failed');
  });
});

describe('the end of a session', () => {
  it('signs out: DELETE needs the CSRF header, then revokes the row and clears the cookie', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);

    expect((await session.request('DELETE', '/api/session', { csrf: false })).status).toBe(403);
    expect((await session.request('GET', '/api/session')).status).toBe(200);

    const out = await session.request('DELETE', '/api/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^sms_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
    const row = await stack.db.agentSession.findUniqueOrThrow({ where: { tokenHash: hashToken(session.cookie) } });
    expect(row.revokedAt).not.toBeNull();
    const after = await session.request('GET', '/api/agents/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('refuses an expired session', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);
    await stack.db.agentSession.update({ where: { tokenHash: hashToken(session.cookie) }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const answer = await session.request('GET', '/api/conversations');
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('unauthorized');
  });

  it('stops a deactivated agent’s session on its next request', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);
    expect((await session.request('GET', '/api/agents/me')).status).toBe(200);
    // Deactivated behind the API's back (no revocation), so only the active check can refuse it.
    await stack.db.agent.update({ where: { id: agent.id }, data: { active: false } });
    expect((await session.request('GET', '/api/agents/me')).status).toBe(401);
  });

  it('touches last_seen_at at most once a minute', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);
    const where = { tokenHash: hashToken(session.cookie) };
    const signedInAt = (await stack.db.agentSession.findUniqueOrThrow({ where })).lastSeenAt;

    await session.request('GET', '/api/agents/me');
    expect((await stack.db.agentSession.findUniqueOrThrow({ where })).lastSeenAt).toEqual(signedInAt);

    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await stack.db.agentSession.update({ where, data: { lastSeenAt: twoMinutesAgo } });
    await session.request('GET', '/api/agents/me');
    const touched = (await stack.db.agentSession.findUniqueOrThrow({ where })).lastSeenAt;
    expect(touched.getTime()).toBeGreaterThan(twoMinutesAgo.getTime() + 60_000);
    await session.request('GET', '/api/agents/me');
    expect((await stack.db.agentSession.findUniqueOrThrow({ where })).lastSeenAt).toEqual(touched);
  });
});

describe('the live events stream', () => {
  it('accepts the session cookie, as EventSource sends it on the same origin', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);
    const sse = await openSse(`${stack.baseUrl}/api/events`, { headers: { Cookie: `sms_session=${session.cookie}` } });
    try {
      expect(sse.status).toBe(200);
      const { id } = await openConversation(stack);
      const event = await sse.waitForEvent((candidate) => liveEventOf(candidate).conversationId === id, 10_000, 'an event of the new conversation');
      expect(liveEventOf(event).conversationId).toBe(id);
    } finally {
      sse.close();
    }
  });
});

describe('the sign-in limit', () => {
  let second: RunningApi;

  beforeAll(async () => {
    // A second API process on the same database, with an https public URL.
    second = await startApiServer({
      db: stack.db,
      databaseUrl: stack.databaseUrl,
      temporalClient: stack.client,
      taskQueue: stack.taskQueue,
      twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER },
      twilioEmulated: true,
      publicBaseUrl: 'https://sms.example.test',
      sessionTtlHours: 2,
      webhookBodyLimit: '64kb',
      host: '127.0.0.1',
      port: await freePort(),
      log: createLogger('silent'),
    });
  });

  afterAll(async () => {
    await second?.close();
  });

  it('refuses the sixth attempt within 15 minutes per email and address with 429 and Retry-After, right password or not, on every API process', async () => {
    const agent = await agentWithPassword();
    const from = { 'X-Forwarded-For': '203.0.113.7' };
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      // Failures on both processes count together.
      const baseUrl = attempt % 2 === 0 ? second.listenUrl : stack.baseUrl;
      const answer = await signInRequest(baseUrl, agent.email, `wrong password ${attempt}`, from);
      expect(answer.status, `attempt ${attempt}`).toBe(401);
    }
    for (const baseUrl of [stack.baseUrl, second.listenUrl]) {
      const limited = await signInRequest(baseUrl, agent.email.toUpperCase(), PASSWORD, from);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('too_many_attempts');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(limited.headers.get('set-cookie')).toBeNull();
    }
    // Another address is not held back by these failures…
    expect((await signInRequest(stack.baseUrl, agent.email, PASSWORD, { 'X-Forwarded-For': '203.0.113.8' })).status).toBe(200);
    // …and once the failures are older than the window, this one may sign in again.
    await stack.db.signInFailure.updateMany({ where: { email: agent.email }, data: { createdAt: new Date(Date.now() - 16 * 60_000) } });
    expect((await signInRequest(stack.baseUrl, agent.email, PASSWORD, from)).status).toBe(200);
  });

  it('caps failures per email at twenty however many addresses X-Forwarded-For claims', async () => {
    const agent = await agentWithPassword();
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const answer = await signInRequest(stack.baseUrl, agent.email, `wrong ${attempt}`, { 'X-Forwarded-For': `198.18.0.${attempt}` });
      expect(answer.status, `attempt ${attempt}`).toBe(401);
    }
    const limited = await signInRequest(stack.baseUrl, agent.email, PASSWORD, { 'X-Forwarded-For': '198.18.1.1' });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'too_many_attempts']);
  });

  it('lets no more than five parallel wrong guesses be checked', async () => {
    const agent = await agentWithPassword();
    const from = { 'X-Forwarded-For': '198.51.100.9' };
    const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => signInRequest(stack.baseUrl, agent.email, `guess ${n}`, from)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status !== 401).every((status) => status === 429)).toBe(true);
    expect(await stack.db.signInFailure.count({ where: { email: agent.email } })).toBeLessThanOrEqual(5);
  });

  it('marks the cookie Secure when the public URL is https, and gives it SESSION_TTL_HOURS', async () => {
    const agent = await agentWithPassword();
    const answer = await signInRequest(second.listenUrl, agent.email, PASSWORD);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('set-cookie')).toMatch(/; Max-Age=7200; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  });
});

describe('passwords', () => {
  it('refuses a password under 12 or over 256 characters with 400 weak_password', async () => {
    const agent = await agentWithPassword();
    const short = await requestJson(stack.baseUrl, 'POST', '/api/agents', {
      token: admin.token,
      body: { name: 'Short', email: `short-${randomBytes(3).toString('hex')}@example.test`, password: 'elevenchars' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('weak_password');
    const long = await requestJson(stack.baseUrl, 'POST', `/api/agents/${agent.id}/password`, { token: admin.token, body: { password: 'x'.repeat(257) } });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('weak_password');
  });

  it('lets an admin set anyone’s password, which ends that agent’s sessions', async () => {
    const agent = await agentWithPassword();
    const session = await signIn(stack.baseUrl, agent.email, PASSWORD);
    const newPassword = 'a whole new password';
    const set = await requestJson(stack.baseUrl, 'POST', `/api/agents/${agent.id}/password`, { token: admin.token, body: { password: newPassword } });
    expect(set.status).toBe(204);
    expect((await session.request('GET', '/api/agents/me')).status).toBe(401);
    expect((await signInRequest(stack.baseUrl, agent.email, PASSWORD)).status).toBe(401);
    await signIn(stack.baseUrl, agent.email, newPassword);
    const stored = await stack.db.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored.passwordHash).not.toContain(newPassword);
  });

  it('lets agents change their own with the present one, keeping the session they did it from and ending the others', async () => {
    const agent = await agentWithPassword();
    const here = await signIn(stack.baseUrl, agent.email, PASSWORD);
    const elsewhere = await signIn(stack.baseUrl, agent.email, PASSWORD);
    const newPassword = 'my own new password';

    const wrong = await here.request('POST', `/api/agents/${agent.id}/password`, { body: { currentPassword: 'not my password', password: newPassword } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const missing = await here.request('POST', `/api/agents/${agent.id}/password`, { body: { password: newPassword } });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('invalid_credentials');

    const changed = await here.request('POST', `/api/agents/${agent.id}/password`, { body: { currentPassword: PASSWORD, password: newPassword } });
    expect(changed.status).toBe(204);
    expect((await here.request('GET', '/api/session')).status).toBe(200);
    expect((await elsewhere.request('GET', '/api/session')).status).toBe(401);
    await signIn(stack.baseUrl, agent.email, newPassword);
  });

  it('refuses an agent setting someone else’s password (403 forbidden) and answers 404 for an unknown agent', async () => {
    const agent = await agentWithPassword();
    const other = await agentWithPassword();
    const answer = await requestJson(stack.baseUrl, 'POST', `/api/agents/${other.id}/password`, {
      token: agent.token,
      body: { currentPassword: PASSWORD, password: 'trying to take over' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden');
    const unknown = await requestJson(stack.baseUrl, 'POST', '/api/agents/0b5c3f8e-4a5b-4c6d-8e9f-0a1b2c3d4e5f/password', {
      token: admin.token,
      body: { password: 'for nobody at all' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('agent_not_found');
  });
});
