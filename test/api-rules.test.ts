// Auto-response rules through the API, against the real stack: validation, the priority
// tie-break, roles, and edits reaching conversations that are already running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateQuery } from '../src/shared/conversation-definitions.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

const DOCUMENTS_RULE_ID = '7d3c2a3e-0c1f-4d59-9a44-000000000002';
const HELP_RULE_ID = '7d3c2a3e-0c1f-4d59-9a44-000000000001';

let stack: TestStack;
let admin: TestAgent;
let agent: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  [admin, agent] = await Promise.all([createTestAgent(stack.db, 'admin'), createTestAgent(stack.db, 'agent')]);
});

afterAll(async () => {
  await stack?.stop();
});

const api = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
  requestJson(stack.baseUrl, method, path, { token: admin.token, ...options });

const validRule = (overrides: Record<string, unknown> = {}) => ({
  name: 'Opening hours',
  keywords: ['hours', 'open'],
  response: 'We are open 9am to 5pm, Monday to Friday.',
  priority: 40,
  ...overrides,
});

function sentTo(customer: string) {
  return stack.emulator.messages().filter((message) => message.to === customer);
}

/** Texts the business number and waits until the workflow has processed it. */
async function text(customer: string, body: string) {
  const inboundBefore = await stack.db.message.count({ where: { fromNumber: customer, direction: 'inbound' } });
  const result = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body });
  expect(result.status).toBe(200);
  await waitFor('the text to be processed', async () => {
    const stored = await stack.db.message.count({ where: { fromNumber: customer, direction: 'inbound' } });
    if (stored <= inboundBefore) return undefined;
    const state = await stack.client.workflow.getHandle(stack.workflowId(customer)).query(stateQuery);
    return state.pendingWork === 0;
  });
}

describe('GET /api/rules', () => {
  it('lists the seeded rules, highest priority first, to any agent', async () => {
    const response = await api('GET', '/api/rules', { token: agent.token });
    expect(response.status).toBe(200);
    expect(response.body.rules.map((rule: { priority: number; name: string }) => [rule.priority, rule.name])).toEqual([
      [1, 'Help'],
      [2, 'Documents'],
      [3, 'Status'],
      [4, 'Unsubscribe'],
      [5, 'Confirmation'],
      [1000, 'After hours'],
    ]);
    expect(response.body.rules[0]).toMatchObject({
      id: HELP_RULE_ID,
      keywords: ['help', 'support', 'assistance'],
      flagsAgent: true,
      optsOut: false,
      active: true,
      trigger: 'keyword',
    });
    expect(response.body.rules.at(-1)).toMatchObject({ keywords: [], trigger: 'after_hours' });
    expect(new Date(response.body.rules[0].createdAt).toISOString()).toBe(response.body.rules[0].createdAt);
  });

  it('creates an after-hours rule without keywords, and refuses keywords on one', async () => {
    const created = await api('POST', '/api/rules', {
      body: { name: 'Closed for the holidays', response: 'We are closed until Monday.', priority: 1001, trigger: 'after_hours' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ trigger: 'after_hours', keywords: [] });
    const withKeywords = await api('POST', '/api/rules', {
      body: { name: 'Odd', keywords: ['closed'], response: 'x', priority: 1002, trigger: 'after_hours' },
    });
    expect([withKeywords.status, withKeywords.body.error.code]).toEqual([422, 'keywords_do_not_fit_trigger']);
    const withoutKeywords = await api('POST', '/api/rules', { body: { name: 'Odd', response: 'x', priority: 1002 } });
    expect([withoutKeywords.status, withoutKeywords.body.error.code]).toEqual([422, 'keywords_do_not_fit_trigger']);
    const patched = await api('PATCH', `/api/rules/${created.body.id}`, { body: { keywords: ['closed'] } });
    expect([patched.status, patched.body.error.code]).toEqual([422, 'keywords_do_not_fit_trigger']);
    expect((await api('PATCH', `/api/rules/${created.body.id}`, { body: { response: 'Back on Monday 9:00.' } })).status).toBe(200);
    expect((await api('DELETE', `/api/rules/${created.body.id}`)).status).toBe(204);
  });

  it('filters by ?active=', async () => {
    const created = await api('POST', '/api/rules', { body: validRule({ name: 'Dormant', keywords: ['dormant'], priority: 90, active: false }) });
    expect(created.status).toBe(201);
    const inactive = await api('GET', '/api/rules?active=false');
    expect(inactive.body.rules.map((rule: { name: string }) => rule.name)).toEqual(['Dormant']);
    const active = await api('GET', '/api/rules?active=true');
    expect(active.body.rules.map((rule: { name: string }) => rule.name)).not.toContain('Dormant');
    expect((await api('GET', '/api/rules?active=maybe')).status).toBe(400);
    expect((await api('DELETE', `/api/rules/${created.body.id}`)).status).toBe(204);
  });
});

describe('POST /api/rules', () => {
  it('creates a rule with trimmed keywords, duplicates removed ignoring case, and defaults', async () => {
    const response = await api('POST', '/api/rules', {
      body: validRule({ name: '  Parking  ', keywords: [' Parking ', 'parking', 'PARKING', 'car park'], priority: 41 }),
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Parking',
      keywords: ['Parking', 'car park'],
      priority: 41,
      flagsAgent: false,
      optsOut: false,
      active: true,
    });
    const stored = await stack.db.autoResponseRule.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(stored.keywords).toEqual(['Parking', 'car park']);
  });

  it('refuses a priority another rule holds with 409 priority_taken naming that rule', async () => {
    const response = await api('POST', '/api/rules', { body: validRule({ priority: 1 }) });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({
      code: 'priority_taken',
      details: { priority: 1, ruleId: HELP_RULE_ID, ruleName: 'Help' },
    });
    expect(response.body.error.message).toMatch(/Help/);
    expect(await stack.db.autoResponseRule.count({ where: { name: 'Opening hours' } })).toBe(0);
  });

  it.each([
    ['a missing name', { name: undefined }, 'body.name'],
    ['an empty name', { name: '  ' }, 'body.name'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 'body.name'],
    ['no keywords', { keywords: [] }, 'body.keywords'],
    ['keywords that are not an array', { keywords: 'hours' }, 'body.keywords'],
    ['an empty keyword', { keywords: ['hours', '  '] }, 'body.keywords.1'],
    ['a keyword over 100 characters', { keywords: ['k'.repeat(101)] }, 'body.keywords.0'],
    ['a keyword that can never match', { keywords: ['!!!'] }, 'body.keywords.0'],
    ['more than 50 keywords', { keywords: Array.from({ length: 51 }, (_, i) => `kw${i}`) }, 'body.keywords'],
    ['an empty response', { response: '' }, 'body.response'],
    ['a blank response', { response: '   ' }, 'body.response'],
    ['a response over 1600 characters', { response: 'r'.repeat(1601) }, 'body.response'],
    ['priority 0', { priority: 0 }, 'body.priority'],
    ['a fractional priority', { priority: 1.5 }, 'body.priority'],
    ['a string priority', { priority: '7' }, 'body.priority'],
    ['a non-boolean flag', { flagsAgent: 'yes' }, 'body.flagsAgent'],
  ])('answers 400 validation_failed for %s', async (_case, overrides, field) => {
    const before = await stack.db.autoResponseRule.count();
    const response = await api('POST', '/api/rules', { body: validRule({ priority: 60, ...overrides }) });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details.fields.map((entry: { field: string }) => entry.field)).toContain(field);
    expect(await stack.db.autoResponseRule.count()).toBe(before);
  });

  it('accepts the limits: 50 keywords of 100 characters and a 1600-character response', async () => {
    const keywords = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(2, '0')}${'k'.repeat(98)}`);
    const response = await api('POST', '/api/rules', { body: validRule({ name: 'n'.repeat(100), keywords, response: 'r'.repeat(1600), priority: 61 }) });
    expect(response.status).toBe(201);
    expect(response.body.keywords).toHaveLength(50);
    expect((await api('DELETE', `/api/rules/${response.body.id}`)).status).toBe(204);
  });

  it('is for admins only', async () => {
    const response = await api('POST', '/api/rules', { token: agent.token, body: validRule({ priority: 62 }) });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
  });
});

describe('PATCH /api/rules/:id', () => {
  it('changes only the fields given and keeps its own priority', async () => {
    const created = await api('POST', '/api/rules', { body: validRule({ name: 'Prices', keywords: ['price'], priority: 42 }) });
    const response = await api('PATCH', `/api/rules/${created.body.id}`, {
      body: { keywords: ['price', 'Cost', 'COST'], priority: 42, flagsAgent: true },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'Prices', keywords: ['price', 'Cost'], priority: 42, flagsAgent: true, response: created.body.response });
    expect(Date.parse(response.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
  });

  it('refuses to take another rule’s priority', async () => {
    const created = await api('POST', '/api/rules', { body: validRule({ name: 'Refunds', keywords: ['refund'], priority: 43 }) });
    const response = await api('PATCH', `/api/rules/${created.body.id}`, { body: { priority: 2 } });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'priority_taken', details: { ruleId: DOCUMENTS_RULE_ID, ruleName: 'Documents' } });
    expect((await stack.db.autoResponseRule.findUniqueOrThrow({ where: { id: created.body.id } })).priority).toBe(43);
  });

  it('answers 404 rule_not_found, 400 for an empty change or a bad id', async () => {
    const missing = await api('PATCH', '/api/rules/00000000-0000-4000-8000-000000000000', { body: { active: false } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('rule_not_found');
    const empty = await api('PATCH', `/api/rules/${HELP_RULE_ID}`, { body: {} });
    expect(empty.status).toBe(400);
    const badId = await api('PATCH', '/api/rules/not-a-uuid', { body: { active: false } });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.fields[0].field).toBe('params.id');
  });
});

describe('DELETE /api/rules/:id', () => {
  it('deletes a rule, keeps the messages it sent, and answers 404 the second time', async () => {
    const customer = newCustomerNumber();
    const created = await api('POST', '/api/rules', { body: validRule({ name: 'Weather', keywords: ['weather'], priority: 44 }) });
    await text(customer, 'what is the weather like');
    const reply = await stack.db.message.findFirstOrThrow({ where: { toNumber: customer, direction: 'outbound' } });
    expect(reply.autoResponseRuleId).toBe(created.body.id);

    const deleted = await api('DELETE', `/api/rules/${created.body.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const kept = await stack.db.message.findUniqueOrThrow({ where: { id: reply.id } });
    expect(kept.autoResponseRuleId).toBeNull();
    expect(kept.body).toBe(reply.body);

    const again = await api('DELETE', `/api/rules/${created.body.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('rule_not_found');
  });

  it('is for admins only', async () => {
    const response = await api('DELETE', `/api/rules/${HELP_RULE_ID}`, { token: agent.token });
    expect(response.status).toBe(403);
    expect(await stack.db.autoResponseRule.count({ where: { id: HELP_RULE_ID } })).toBe(1);
  });
});

describe('rule changes reach running conversations', () => {
  it('answers with the edited Documents reply on the next text, without a restart', async () => {
    const customer = newCustomerNumber();
    await text(customer, 'documents please');
    expect(sentTo(customer).map((message) => message.body)).toEqual([
      expect.stringMatching(/To send us documents/),
    ]);
    const running = await stack.client.workflow.getHandle(stack.workflowId(customer)).describe();
    expect(running.status.name).toBe('RUNNING');

    const edited = 'Upload your documents at https://example.com/upload — one file per message.';
    const patched = await api('PATCH', `/api/rules/${DOCUMENTS_RULE_ID}`, { body: { response: edited } });
    expect(patched.status).toBe(200);

    await text(customer, 'documents');
    await stack.emulator.waitForMessages((all) => all.filter((message) => message.to === customer).length === 2);
    expect(sentTo(customer)[1]?.body).toBe(edited);
    const reply = await stack.db.message.findFirstOrThrow({ where: { toNumber: customer, body: edited } });
    expect(reply).toMatchObject({ author: 'auto_response', autoResponseRuleId: DOCUMENTS_RULE_ID });
  });

  it('applies a new rule, stops applying it once deactivated, and lets the new priority win', async () => {
    const customer = newCustomerNumber();
    await text(customer, 'hello there');
    const created = await api('POST', '/api/rules', {
      body: validRule({ name: 'Invoices', keywords: ['invoice'], response: 'Invoices are emailed monthly.', priority: 45 }),
    });
    await text(customer, 'where is my invoice');
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer && message.body === 'Invoices are emailed monthly.'));

    await api('PATCH', `/api/rules/${created.body.id}`, { body: { active: false } });
    await text(customer, 'invoice again');
    expect(sentTo(customer).filter((message) => message.body === 'Invoices are emailed monthly.')).toHaveLength(1);

    // "help invoice" matches Help (1) and Invoices: moving Invoices above Help changes the winner.
    await api('PATCH', `/api/rules/${HELP_RULE_ID}`, { body: { priority: 100 } });
    await api('PATCH', `/api/rules/${created.body.id}`, { body: { active: true, priority: 1 } });
    await text(customer, 'help with my invoice');
    await stack.emulator.waitForMessages((all) => all.filter((message) => message.to === customer && message.body === 'Invoices are emailed monthly.').length === 2);
    // Put things back for the rest of the file.
    await api('PATCH', `/api/rules/${created.body.id}`, { body: { priority: 45 } });
    await api('PATCH', `/api/rules/${HELP_RULE_ID}`, { body: { priority: 1 } });
  });
});
