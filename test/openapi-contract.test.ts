// The OpenAPI document states what the API enforces, proven against the running API: the rules
// that used to live only in handlers (E.164 numbers, keyword rules, cursors, optional bodies)
// are in the document, what it calls valid is accepted, and what it calls invalid is refused.
// `npm run test:contract` fuzzes the whole document; these are the cases that must never regress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E164_PATTERN } from '../src/shared/phone-number.ts';
import { clientFor, openConversation, textIn, type AgentClient } from './api-conversations-support.ts';
import { createTestAgent, type TestAgent } from './support/agents.ts';
import { requestJson } from './support/http.ts';
import { postSignedForm } from './support/twilio-http.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

type Schema = Record<string, any>;
interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
}

let stack: TestStack;
let admin: TestAgent;
let asAdmin: AgentClient;
let document: { paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  stack = await startTestStack();
  admin = await createTestAgent(stack.db, 'admin');
  asAdmin = clientFor(stack, admin.token);
  document = (await requestJson(stack.baseUrl, 'GET', '/api/openapi.json')).body;
});

afterAll(async () => {
  await stack?.stop();
});

function operation(method: string, path: string): Operation {
  const found = document.paths[path]?.[method];
  expect(found, `${method.toUpperCase()} ${path}`).toBeDefined();
  return found!;
}

function bodySchema(method: string, path: string, mediaType = 'application/json'): Schema {
  return operation(method, path).requestBody!.content[mediaType]!.schema;
}

function parameter(method: string, path: string, name: string): Schema {
  const found = operation(method, path).parameters?.find((entry) => entry.name === name);
  expect(found, `${name} of ${method.toUpperCase()} ${path}`).toBeDefined();
  return found!.schema;
}

/** A documented pattern, as a JavaScript RegExp (JSON Schema patterns are ECMA-262, with Unicode). */
const regex = (schema: Schema) => new RegExp(schema.pattern as string, 'u');

describe('what the document says', () => {
  it('gives every phone number the E.164 pattern', () => {
    const phones: Schema[] = [
      bodySchema('post', '/api/conversations').properties.customerNumber,
      bodySchema('post', '/api/conversations').properties.businessNumber,
      bodySchema('post', '/api/test-twilio-config').properties.phoneNumber,
      parameter('get', '/api/conversations', 'customerNumber'),
      ...['From', 'To'].flatMap((name) => [
        bodySchema('post', '/api/webhooks/twilio/sms', 'application/x-www-form-urlencoded').properties[name],
        bodySchema('post', '/api/webhooks/twilio/sms/status', 'application/x-www-form-urlencoded').properties[name],
      ]),
    ];
    for (const phone of phones) expect(phone.pattern).toBe(E164_PATTERN.source);
    expect(E164_PATTERN.source).toBe('^\\+[1-9]\\d{1,14}$');
  });

  it('marks a body optional exactly where an absent body is accepted', () => {
    const optional = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, entry]) => entry.requestBody && !entry.requestBody.required)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(optional.sort()).toEqual(
      ['assign', 'close', 'flag', 'read'].map((action) => `POST /api/conversations/{id}/${action}`).sort(),
    );
  });

  it('describes the Twilio webhooks as signed forms with the parameters the handlers read', () => {
    for (const [path, required] of [
      ['/api/webhooks/twilio/sms', ['From', 'MessageSid', 'To']],
      ['/api/webhooks/twilio/sms/status', ['From', 'MessageSid', 'MessageStatus', 'To']],
    ] as const) {
      const entry = operation('post', path);
      expect(Object.keys(entry.requestBody!.content)).toEqual(['application/x-www-form-urlencoded']);
      expect(entry.requestBody!.required).toBe(true);
      const form = bodySchema('post', path, 'application/x-www-form-urlencoded');
      expect([...form.required].sort()).toEqual(required);
      expect(form.properties.MessageSid.pattern).toBe('^(SM|MM)[0-9a-fA-F]{32}$');
      expect(form.additionalProperties).toEqual({ type: 'string' });
      expect(entry.parameters).toEqual([expect.objectContaining({ name: 'X-Twilio-Signature', in: 'header', required: true })]);
    }
  });

  it('has only patterns JavaScript can run, Unicode-aware', () => {
    const patterns: string[] = [];
    JSON.stringify(document, (key, value) => {
      if (key === 'pattern' && typeof value === 'string') patterns.push(value);
      return value;
    });
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u'), pattern).not.toThrow();
  });
});

describe('what the API does with it', () => {
  it('hands out cursors that match the pattern their list documents, and takes any text that matches it', async () => {
    // Two of each, so every list has a second page.
    const { id, customer } = await openConversation(stack);
    await openConversation(stack);
    await textIn(stack, customer, 'and another thing');
    expect((await asAdmin.post(`/api/conversations/${id}/assign`)).status).toBe(200);
    expect((await asAdmin.post(`/api/conversations/${id}/unassign`)).status).toBe(200);
    const lists = [
      ['/api/conversations', `/api/conversations?limit=1`],
      ['/api/conversations/{id}/messages', `/api/conversations/${id}/messages?limit=1`],
      ['/api/conversations/{id}/events', `/api/conversations/${id}/events?limit=1`],
    ] as const;
    for (const [path, url] of lists) {
      const page = await asAdmin.get(url);
      expect(page.status, url).toBe(200);
      const pattern = regex(parameter('get', path, 'cursor'));
      expect(page.body.nextCursor, url).toMatch(pattern);
      const next = await asAdmin.get(`${url}&cursor=${encodeURIComponent(page.body.nextCursor)}`);
      expect(next.status, url).toBe(200);
      // Made up, but in the documented format: a position like any other.
      const madeUp = `${page.body.nextCursor[0]}99.AA`;
      expect(madeUp).toMatch(pattern);
      expect((await asAdmin.get(`${url}&cursor=${madeUp}`)).status, `${url} with ${madeUp}`).toBe(200);
      const refused = await asAdmin.get(`${url}&cursor=garbage`);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_cursor');
    }
  });

  it('takes the optional bodies when they are left out', async () => {
    const { id } = await openConversation(stack);
    for (const action of ['read', 'flag', 'assign', 'close']) {
      const response = await fetch(`${stack.baseUrl}/api/conversations/${id}/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin.token}` },
      });
      expect(response.status, action).toBe(200);
    }
  });

  it('refuses a keyword with no letter or digit, as the documented pattern does, and takes what the pattern allows', async () => {
    const keyword = bodySchema('post', '/api/rules').properties.keywords.items;
    const rule = (keywords: string[], priority: number) => ({ name: 'Keywords', keywords, response: 'Thanks', priority });
    expect(regex(keyword).test('?!')).toBe(false);
    const refused = await asAdmin.post('/api/rules', rule(['?!'], 7001));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields.map((entry: { field: string }) => entry.field)).toEqual(['body.keywords.0']);

    // 100 characters as the document counts them, 200 UTF-16 units.
    const emoji = 'é'.concat('😊'.repeat(keyword.maxLength - 1));
    expect(regex(keyword).test(emoji)).toBe(true);
    const accepted = await asAdmin.post('/api/rules', rule(['Öffnungszeiten', '营业时间', emoji], 7002));
    expect(accepted.status).toBe(201);
  });

  it('ignores a __proto__ key as it ignores any key the document does not name', async () => {
    const { id } = await openConversation(stack);
    const response = await fetch(`${stack.baseUrl}/api/conversations/${id}/flag`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
      body: '{"reason":"checking","__proto__":{"admin":true},"extra":{"__proto__":1}}',
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { attentionReason: string }).attentionReason).toBe('checking');
  });

  it('takes every status callback the document calls valid, whatever its ErrorCode', async () => {
    const form = bodySchema('post', '/api/webhooks/twilio/sms/status', 'application/x-www-form-urlencoded');
    const largest = String(form.properties.ErrorCode.maximum ?? Number.MAX_SAFE_INTEGER);
    const params = { MessageSid: `SM${'ab'.repeat(16)}`, MessageStatus: 'failed', From: '+15005550006', To: '+15550001234', ErrorCode: largest };
    const answer = await postSignedForm(stack.statusUrl, params, stack.authToken);
    expect(answer.status, answer.body).toBe(204);
  });

  it('answers invalid_phone_number for a number the pattern refuses, and names the field', async () => {
    const answer = await asAdmin.post('/api/conversations', { customerNumber: '+0123', body: 'hi' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_phone_number', details: { fields: [{ field: 'body.customerNumber' }] } });
  });

  it('answers 405, not 501, to a method HTTP defines that the path does not take', async () => {
    const response = await fetch(`${stack.baseUrl}/api/stats`, { method: 'PATCH', headers: { Authorization: `Bearer ${admin.token}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('GET');
    // What fetch will not send (TRACE) goes through the same router option; node:http answers alike.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${stack.baseUrl}/api/stats`);
      const call = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PROPFIND' }, (answer) => {
        answer.resume();
        resolve(answer.statusCode ?? 0);
      });
      call.once('error', reject);
      call.end();
    });
    expect(status).toBe(405);
  });
});
