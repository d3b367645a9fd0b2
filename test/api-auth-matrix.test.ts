// Every agent-facing route refuses callers it must refuse, proven against the running API. The
// matrix is generated from the route table the app mounts (buildApiRoutes), so a route added
// later is covered without anyone remembering to list it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiRoutes } from '../src/api/app.ts';
import { hashPassword } from '../src/api/auth/passwords.ts';
import { generateToken } from '../src/api/auth/tokens.ts';
import { createLiveEventHub } from '../src/api/live-events/create-live-event-hub.ts';
import type { LiveEventHub } from '../src/api/live-events/live-event-hub.ts';
import type { RouteDefinition } from '../src/api/routing/api-routes.ts';
import { createLogger } from '../src/infra/logger.ts';
import { createConversationCommands } from '../src/temporal/conversation-commands.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { signIn } from './support/console-session.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, startTestStack, type TestStack } from './support/stack.ts';

const REQUEST_TIMEOUT_MS = 10_000;
const ADMIN_PASSWORD = 'auth matrix admin password';

let stack: TestStack;
let liveEvents: LiveEventHub;
let definitions: RouteDefinition[];
let admin: TestAgent;
let agent: TestAgent;
/** Tokens that must never get past authentication, by what is wrong with them. */
let refusedTokens: { label: string; token: string }[];

beforeAll(async () => {
  stack = await startTestStack();
  const log = createLogger('silent', 'auth-matrix');
  liveEvents = await createLiveEventHub({ databaseUrl: stack.databaseUrl, db: stack.db, log });
  // The same function the running app builds its routes with.
  definitions = buildApiRoutes({
    db: stack.db,
    commands: createConversationCommands(stack.client, stack.taskQueue),
    liveEvents,
    twilio: { config: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER }, emulated: true },
    publicBaseUrl: stack.baseUrl,
    log,
  }).definitions;

  [admin, agent] = await Promise.all([createTestAgent(stack.db, 'admin'), createTestAgent(stack.db, 'agent')]);
  // The admin may also sign in to the console, for the routes that take only the session cookie.
  await stack.db.agent.update({ where: { id: admin.id }, data: { passwordHash: await hashPassword(ADMIN_PASSWORD) } });

  // A revoked token: an admin whose token was rotated away through the API.
  const rotated = await createTestAgent(stack.db, 'admin');
  expect((await requestJson(stack.baseUrl, 'POST', `/api/agents/${rotated.id}/rotate-token`, { token: rotated.token })).status).toBe(200);
  // An admin deactivated through the API (which also revokes its tokens)…
  const deactivated = await createTestAgent(stack.db, 'admin');
  expect((await requestJson(stack.baseUrl, 'POST', `/api/agents/${deactivated.id}/deactivate`, { token: admin.token })).status).toBe(200);
  // …and one made inactive with its token left unrevoked, so the active check alone must refuse it.
  const inactive = await createTestAgent(stack.db, 'admin');
  await stack.db.agent.update({ where: { id: inactive.id }, data: { active: false } });

  refusedTokens = [
    { label: 'a malformed token', token: 'not a token at all' },
    { label: 'an unknown token', token: generateToken() },
    { label: 'a revoked token', token: rotated.token },
    { label: 'a deactivated agent’s token', token: deactivated.token },
    { label: 'an inactive agent’s unrevoked token', token: inactive.token },
  ];
});

afterAll(async () => {
  await liveEvents?.close();
  await stack?.stop();
});

const protectedRoutes = () => definitions.filter((definition) => definition.access !== 'public');
const describeRoute = (definition: RouteDefinition) => `${definition.method.toUpperCase()} ${definition.path}`;

interface Probe {
  status: number;
  code?: string;
}

/**
 * Calls a route with ids filled in and `{}` as body. Reads only the status (and the JSON error
 * code), so a stream such as the live events endpoint is cut off once it has answered.
 */
async function probe(
  definition: RouteDefinition,
  auth: { header?: string; queryToken?: string; cookie?: string; csrfToken?: string },
): Promise<Probe> {
  let path = definition.path.replace(/:(\w+)/g, () => randomUUID());
  if (auth.queryToken !== undefined) path += `?access_token=${encodeURIComponent(auth.queryToken)}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const hasBody = definition.method !== 'get';
    const response = await fetch(stack.baseUrl + path, {
      method: definition.method.toUpperCase(),
      headers: {
        ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
        ...(auth.header !== undefined ? { Authorization: auth.header } : {}),
        ...(auth.cookie !== undefined ? { Cookie: `sms_session=${auth.cookie}` } : {}),
        ...(auth.csrfToken !== undefined ? { 'X-CSRF-Token': auth.csrfToken } : {}),
      },
      body: hasBody ? '{}' : undefined,
      signal: controller.signal,
    });
    let code: string | undefined;
    if (response.headers.get('content-type')?.includes('application/json')) {
      code = ((await response.json()) as { error?: { code?: string } }).error?.code;
    } else {
      await response.body?.cancel();
    }
    return { status: response.status, code };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Runs `check` for every protected route and lists every route where it failed. */
async function everyRoute(check: (definition: RouteDefinition) => Promise<string | undefined>): Promise<number> {
  const failures: string[] = [];
  let checked = 0;
  for (const definition of protectedRoutes()) {
    checked += 1;
    const failure = await check(definition);
    if (failure) failures.push(`${describeRoute(definition)}: ${failure}`);
  }
  expect(failures).toEqual([]);
  return checked;
}

const expect401 = (result: Probe) =>
  result.status === 401 && result.code === 'unauthorized' ? undefined : `got ${result.status} ${result.code ?? ''}, expected 401 unauthorized`;

describe('the route table', () => {
  it('has two public routes, the OpenAPI document and the console sign-in; webhooks and /health live outside it', async () => {
    expect(definitions.filter((definition) => definition.access === 'public').map(describeRoute).sort()).toEqual([
      'GET /api/openapi.json',
      'POST /api/session',
    ]);
    expect(protectedRoutes().length).toBeGreaterThan(0);
    expect((await requestJson(stack.baseUrl, 'GET', '/api/openapi.json')).status).toBe(200);
    expect((await requestJson(stack.baseUrl, 'GET', '/health')).status).toBe(200);
    // Webhooks answer to Twilio's signature, not to tokens.
    for (const path of ['/api/webhooks/twilio/sms', '/api/webhooks/twilio/sms/status']) {
      const response = await fetch(stack.baseUrl + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'From=%2B15550001111',
      });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_signature');
    }
  });

  it('is what the running API documents: every protected route with its 401 (and 403 for admin)', async () => {
    const document = (await requestJson(stack.baseUrl, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    const documentedPath = (definition: RouteDefinition) => `${definition.method.toUpperCase()} ${definition.path.replace(/:(\w+)/g, '{$1}')}`;

    expect(operations.filter(({ operation }) => !operation.security).map(({ route }) => route).sort()).toEqual(
      ['GET /api/openapi.json', 'POST /api/session', 'POST /api/webhooks/twilio/sms', 'POST /api/webhooks/twilio/sms/status'].sort(),
    );
    expect(operations.filter(({ operation }) => operation.security).length).toBe(protectedRoutes().length);
    for (const definition of protectedRoutes()) {
      const documented = operations.find(({ route }) => route === documentedPath(definition));
      expect(documented, documentedPath(definition)).toBeDefined();
      expect(Object.keys(documented!.operation.responses)).toContain('401');
      if (definition.access === 'admin') expect(Object.keys(documented!.operation.responses)).toContain('403');
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes the rules, agents, statistics and Twilio configuration routes with their error answers', async () => {
    const document = (await requestJson(stack.baseUrl, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const expected: [string, string, string[]][] = [
      ['get', '/api/rules', ['200', '400', '401']],
      ['post', '/api/rules', ['201', '400', '401', '403', '409', '413', '415', '422']],
      ['patch', '/api/rules/{id}', ['200', '400', '401', '403', '404', '409', '413', '415', '422']],
      ['delete', '/api/rules/{id}', ['204', '400', '401', '403', '404']],
      ['get', '/api/agents', ['200', '400', '401']],
      ['get', '/api/agents/me', ['200', '400', '401']],
      ['post', '/api/agents', ['201', '400', '401', '403', '409', '413', '415']],
      ['post', '/api/agents/{id}/deactivate', ['200', '400', '401', '403', '404', '409']],
      ['post', '/api/agents/{id}/rotate-token', ['200', '400', '401', '403', '404', '409']],
      ['get', '/api/stats', ['200', '400', '401']],
      ['get', '/api/test-twilio-config', ['200', '400', '401', '403']],
      ['post', '/api/test-twilio-config', ['200', '400', '401', '403', '409', '413', '415', '422', '502', '503']],
    ];
    for (const [method, path, statuses] of expected) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(operation!.responses).sort(), `${method.toUpperCase()} ${path}`).toEqual(statuses);
    }
    expect(document.paths['/api/rules']!.post!.responses['409']!.description).toMatch(/priority_taken/);
    expect(document.paths['/api/stats']!.get!.responses['200']!.description).toMatch(/UTC/);
  });
});

describe('the auth matrix, over every protected route of the running API', () => {
  it('answers 401 unauthorized without a token', async () => {
    const checked = await everyRoute(async (definition) => expect401(await probe(definition, {})));
    expect(checked).toBe(protectedRoutes().length);
  });

  it('answers 401 to a header that is not a bearer token', async () => {
    await everyRoute(async (definition) => expect401(await probe(definition, { header: `Basic ${Buffer.from('a:b').toString('base64')}` })));
  });

  it('answers 401 to malformed, unknown, revoked and deactivated agents’ tokens', async () => {
    for (const { label, token } of refusedTokens) {
      const checked = await everyRoute(async (definition) => {
        const failure = expect401(await probe(definition, { header: `Bearer ${token}` }));
        return failure && `${label}: ${failure}`;
      });
      expect(checked).toBe(protectedRoutes().length);
    }
  });

  it('refuses bad tokens given as ?access_token= on routes that accept one, and ignores it elsewhere', async () => {
    await everyRoute(async (definition) => {
      for (const { label, token } of refusedTokens) {
        const failure = expect401(await probe(definition, { queryToken: token }));
        if (failure) return `${label} in the query: ${failure}`;
      }
      if (!definition.allowQueryToken) {
        const failure = expect401(await probe(definition, { queryToken: admin.token }));
        if (failure) return `a valid token in the query of a route that takes only the header: ${failure}`;
      }
      return undefined;
    });
  });

  it('answers 403 forbidden to an agent on admin routes', async () => {
    const adminRoutes = protectedRoutes().filter((definition) => definition.access === 'admin');
    expect(adminRoutes.length).toBeGreaterThan(0);
    await everyRoute(async (definition) => {
      if (definition.access !== 'admin') return undefined;
      const result = await probe(definition, { header: `Bearer ${agent.token}` });
      return result.status === 403 && result.code === 'forbidden' ? undefined : `got ${result.status} ${result.code ?? ''}, expected 403 forbidden`;
    });
  });

  it('lets an admin through on every route (the answer is not 401 or 403)', async () => {
    const checked = await everyRoute(async (definition) => {
      // The session routes take only the console cookie (a fresh session each: one of them ends it).
      const session = definition.sessionOnly ? await signIn(stack.baseUrl, admin.email, ADMIN_PASSWORD) : undefined;
      const result = await probe(
        definition,
        session ? { cookie: session.cookie, csrfToken: session.csrfToken } : { header: `Bearer ${admin.token}` },
      );
      return [401, 403].includes(result.status) ? `got ${result.status} ${result.code ?? ''}` : undefined;
    });
    expect(checked).toBe(protectedRoutes().length);
  });

  it('lets an agent through authentication on every agent route', async () => {
    await everyRoute(async (definition) => {
      if (definition.access !== 'agent' || definition.sessionOnly) return undefined;
      const result = await probe(definition, { header: `Bearer ${agent.token}` });
      // 403 may still come from the handler (an agent rotating someone else's token), never 401.
      return result.status === 401 ? `got 401 ${result.code ?? ''}` : undefined;
    });
  });
});

describe('the console session cookie, over every protected route of the running API', () => {
  it('lets an admin’s session through on every route (with the CSRF header where one is needed)', async () => {
    const shared = await signIn(stack.baseUrl, admin.email, ADMIN_PASSWORD);
    await everyRoute(async (definition) => {
      // A session route may end its session (sign-out): those get one of their own.
      const session = definition.sessionOnly ? await signIn(stack.baseUrl, admin.email, ADMIN_PASSWORD) : shared;
      const result = await probe(definition, { cookie: session.cookie, csrfToken: session.csrfToken });
      return [401, 403].includes(result.status) ? `got ${result.status} ${result.code ?? ''}` : undefined;
    });
  });

  it('answers 403 csrf_failed to every state-changing route called with the cookie but without the CSRF header', async () => {
    const session = await signIn(stack.baseUrl, admin.email, ADMIN_PASSWORD);
    let checked = 0;
    await everyRoute(async (definition) => {
      if (definition.method === 'get') return undefined;
      checked += 1;
      const result = await probe(definition, { cookie: session.cookie });
      return result.status === 403 && result.code === 'csrf_failed' ? undefined : `got ${result.status} ${result.code ?? ''}, expected 403 csrf_failed`;
    });
    expect(checked).toBeGreaterThan(10);
  });

  it('documents csrf_failed among the 403 answers of every state-changing route', async () => {
    const document = (await requestJson(stack.baseUrl, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    for (const definition of protectedRoutes().filter((route) => route.method !== 'get')) {
      const operation = document.paths[definition.path.replace(/:(\w+)/g, '{$1}')]![definition.method]!;
      expect(operation.responses['403']?.description, describeRoute(definition)).toMatch(/csrf_failed/);
    }
  });
});
