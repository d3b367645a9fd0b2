// The operations endpoints on a real stack: /metrics counts what a real webhook → auto-reply →
// status-callback round trip did, /healthz and /readyz answer without a token, and /readyz
// turns 503 naming the database when PostgreSQL goes away (and 200 again when it is back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApi } from '../src/api/start-api.ts';
import { createDatabase, type Database } from '../src/infra/database.ts';
import { createLogger } from '../src/infra/logger.ts';
import { OPS_PATHS } from '../src/ops/ops-router.ts';
import { freePort } from './support/free-port.ts';
import { requestJson } from './support/http.ts';
import { sampleValue } from './support/prometheus.ts';
import { BUSINESS_NUMBER, newCustomerNumber, startTestStack, type TestStack } from './support/stack.ts';
import { createTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function scrape(baseUrl = stack.baseUrl): Promise<string> {
  const response = await fetch(baseUrl + OPS_PATHS.metrics);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('/healthz and /readyz', () => {
  it('answer without a token on a healthy stack, and are no agent routes', async () => {
    expect(await requestJson(stack.baseUrl, 'GET', OPS_PATHS.health)).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await requestJson(stack.baseUrl, 'GET', OPS_PATHS.ready);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      notReady: [],
      checks: { database: { status: 'ok' }, migrations: { status: 'ok' }, temporal: { status: 'ok' } },
    });
    // Not in the agent route table, so neither in the contract nor behind a token.
    const openApi = await requestJson(stack.baseUrl, 'GET', '/api/openapi.json');
    expect(openApi.status).toBe(200);
    for (const path of Object.values(OPS_PATHS)) expect(Object.keys(openApi.body.paths)).not.toContain(path);
  });
});

describe('/metrics after a real round trip', () => {
  it('counts the webhooks, the hand-off, the auto-reply by rule, its status callbacks and an opt-out', async () => {
    const customer = newCustomerNumber();
    const inbound = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'HELP' });
    expect(inbound.status).toBe(200);
    // The reply reaches `delivered` at the emulator, which then posts its status callbacks.
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer && message.status === 'delivered'), 30_000);
    const reply = await waitFor('the auto-reply row', () =>
      stack.db.message.findFirst({ where: { toNumber: customer, direction: 'outbound', status: 'delivered' } }).then((row) => row ?? undefined),
    );
    expect(reply.autoResponseRuleId).toEqual(expect.any(String));

    const optingOut = newCustomerNumber();
    expect((await stack.emulator.sendInbound({ from: optingOut, to: BUSINESS_NUMBER, body: 'STOP' })).status).toBe(200);
    // A webhook Twilio did not sign.
    const forged = await fetch(stack.inboundUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': 'forged' },
      body: new URLSearchParams({ MessageSid: `SM${'0'.repeat(32)}`, From: customer, To: BUSINESS_NUMBER, Body: 'hi' }),
    });
    expect(forged.status).toBe(403);

    const text = await waitFor(
      'the delivered callback and the opt-out to be counted',
      async () => {
        const scraped = await scrape();
        const delivered = sampleValue(scraped, 'sms_status_callbacks_total', { status: 'delivered', outcome: 'recorded' });
        const optedOut = sampleValue(scraped, 'sms_opt_outs_total', { source: 'keyword' });
        return (delivered ?? 0) >= 1 && optedOut === 1 && scraped;
      },
      20_000,
      200,
    );
    expect(sampleValue(text, 'sms_webhook_requests_total', { route: 'inbound', status: '200' })).toBe(2);
    expect(sampleValue(text, 'sms_webhook_requests_total', { route: 'inbound', status: '403' })).toBe(1);
    expect(sampleValue(text, 'sms_webhook_requests_total', { route: 'status', status: '204' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'sms_webhook_request_duration_seconds_count', { route: 'inbound', status: '200' })).toBe(2);
    expect(sampleValue(text, 'sms_temporal_handoff_duration_seconds_count', { kind: 'inbound', outcome: 'ok' })).toBe(2);
    expect(sampleValue(text, 'sms_temporal_handoff_failures_total', { kind: 'inbound' }) ?? 0).toBe(0);
    expect(sampleValue(text, 'sms_sends_total', { author: 'auto_response', result: 'accepted', error_code: '' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'sms_auto_replies_total', { rule_id: reply.autoResponseRuleId! })).toBe(1);
    expect(sampleValue(text, 'sms_twilio_send_duration_seconds_count', { result: 'accepted' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'sms_live_event_subscribers')).toBe(0);
    expect(sampleValue(text, 'sms_conversation_jobs_parked_total', { kind: 'inbound' }) ?? 0).toBe(0);
  });
});

describe('/readyz when PostgreSQL goes away', () => {
  let proxy: TcpProxy;
  let db: Database;
  let api: RunningApi;

  beforeAll(async () => {
    const target = new URL(stack.databaseUrl);
    proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const proxied = new URL(stack.databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    db = createDatabase(proxied.toString(), { poolMax: 2 });
    api = await startApiServer({
      db,
      databaseUrl: proxied.toString(),
      temporalClient: stack.client,
      taskQueue: stack.taskQueue,
      twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER },
      twilioEmulated: true,
      publicBaseUrl: stack.baseUrl,
      webhookBodyLimit: '64kb',
      host: '127.0.0.1',
      port: await freePort(),
      log: createLogger('silent'),
    });
  });

  afterAll(async () => {
    await api?.close();
    await db?.$disconnect();
    await proxy?.stop();
  });

  it('answers 503 naming the database, then 200 once it is back', async () => {
    expect((await requestJson(api.listenUrl, 'GET', OPS_PATHS.ready)).status).toBe(200);
    await proxy.stop();
    const down = await requestJson(api.listenUrl, 'GET', OPS_PATHS.ready);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'not_ready',
      notReady: expect.arrayContaining(['database']),
      checks: { database: { status: 'failing', reason: expect.any(String) }, temporal: { status: 'ok' } },
    });
    expect(down.body.notReady).not.toContain('temporal');
    // Liveness does not depend on the database: nothing to restart.
    expect((await requestJson(api.listenUrl, 'GET', OPS_PATHS.health)).status).toBe(200);

    await proxy.start();
    await waitFor('/readyz to answer 200 again', async () => (await requestJson(api.listenUrl, 'GET', OPS_PATHS.ready)).status === 200, 15_000, 200);
  });
});
