// The database activities against a real PostgreSQL: every write keyed by an id the workflow
// chose, so running an activity again (a retry, a replayed workflow task) writes nothing twice,
// and database failures classified so the workflow knows whether to wait or to park.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../infra/database.ts';
import { createLogger } from '../infra/logger.ts';
import type { InboundSms } from '../shared/conversation-types.ts';
import { FailureType } from '../shared/failure-types.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createDbActivities, type DbActivities } from './index.ts';

const BUSINESS = '+15005550006';

let database: TestDatabase;
let db: Database;
let activities: DbActivities;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 2 });
  activities = activitiesOver(db);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

function dependenciesOver(database: Database) {
  return {
    db: database,
    sendSms: () => Promise.reject(new Error('no Twilio in these tests')),
    findSentSms: () => Promise.resolve(undefined),
    fetchMessageStatus: () => Promise.resolve(undefined),
    statusCallbackUrl: 'http://127.0.0.1/status',
    settings: { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600 },
    log: createLogger('silent', 'test'),
  };
}

function activitiesOver(database: Database): DbActivities {
  return createDbActivities(dependenciesOver(database));
}

function customer(): string {
  return `+1555${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;
}

function sms(customerNumber: string, body = 'hello'): InboundSms {
  return {
    messageSid: `SM${randomBytes(16).toString('hex')}`,
    from: customerNumber,
    to: BUSINESS,
    body,
    numSegments: 1,
    media: [],
    receivedAt: new Date().toISOString(),
  };
}

function keyed(customerNumber: string) {
  return { workflowId: `sms-conversation:${BUSINESS}:${customerNumber}`, businessNumber: BUSINESS, customerNumber };
}

describe('recordInbound', () => {
  it('tells its own earlier insert (same receipt) from a redelivery (another receipt)', async () => {
    const customerNumber = customer();
    const text = sms(customerNumber);
    const first = await activities.recordInbound({ ...keyed(customerNumber), sms: text, receiptRef: 'run-a:text:1' });
    const rerun = await activities.recordInbound({ ...keyed(customerNumber), sms: text, receiptRef: 'run-a:text:1' });
    const redelivery = await activities.recordInbound({ ...keyed(customerNumber), sms: text, receiptRef: 'run-b:text:7' });

    expect(first.duplicate).toBe(false);
    expect(rerun.duplicate).toBe(false);
    expect(rerun.rules.length).toBeGreaterThan(0); // a re-run is answered like the first run
    expect(redelivery.duplicate).toBe(true);
    expect(await db.message.count({ where: { twilioSid: text.messageSid } })).toBe(1);
    expect(await db.liveEvent.count({ where: { type: 'message.received', conversationId: first.conversationId } })).toBe(1);
  });

  it('answers a re-run from the opt-out state before the text, not the opt-out it caused', async () => {
    const customerNumber = customer();
    const stop = sms(customerNumber, 'STOP');
    const first = await activities.recordInbound({ ...keyed(customerNumber), sms: stop, receiptRef: 'run-i:text:1' });
    await activities.setOptOut({ key: 'run-i:text:1:opt-out', customerNumber, conversationId: first.conversationId, optedOut: true, keyword: 'STOP' });
    const rerun = await activities.recordInbound({ ...keyed(customerNumber), sms: stop, receiptRef: 'run-i:text:1' });
    expect(first.optedOut).toBe(false);
    expect(rerun).toMatchObject({ duplicate: false, optedOut: false });
    // A new text after the opt-out sees it.
    const later = await activities.recordInbound({ ...keyed(customerNumber), sms: sms(customerNumber, 'hello?'), receiptRef: 'run-i:text:2' });
    expect(later.optedOut).toBe(true);
  });

  it('keeps a normalised text and says so', async () => {
    const customerNumber = customer();
    const text = { ...sms(customerNumber, 'a\uFFFDb'), bodyNormalized: true };
    await activities.recordInbound({ ...keyed(customerNumber), sms: text, receiptRef: 'run-c:text:1' });
    expect(await db.message.findUnique({ where: { twilioSid: text.messageSid } })).toMatchObject({ body: 'a\uFFFDb', bodyNormalized: true });
  });
});

describe('recordInbound in one statement', () => {
  it('opens a conversation for a new customer, with its audit event and live events in order', async () => {
    const customerNumber = customer();
    const text = { ...sms(customerNumber), receivedAt: new Date(Date.now() - 60_000).toISOString(), media: [{ url: 'https://media.example/1', contentType: 'image/jpeg' }] };
    const stored = await activities.recordInbound({ ...keyed(customerNumber), sms: text, receiptRef: 'run-j:text:1' });
    expect(stored).toMatchObject({ duplicate: false, optedOut: false });
    expect(stored.rules.map((rule) => rule.priority)).toEqual([...stored.rules.map((rule) => rule.priority)].sort((a, b) => a - b));

    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: stored.conversationId } });
    expect(conversation).toMatchObject({ status: 'open', workflowId: keyed(customerNumber).workflowId, lastActivityAt: new Date(text.receivedAt) });
    expect(await db.contact.findUniqueOrThrow({ where: { phoneNumber: customerNumber } })).toMatchObject({ id: conversation.contactId, optedOut: false });
    expect(await db.message.findUniqueOrThrow({ where: { twilioSid: text.messageSid } })).toMatchObject({
      conversationId: stored.conversationId, direction: 'inbound', author: 'customer', status: 'received', clientRef: 'run-j:text:1',
      senderOptedOut: false, mediaUrls: ['https://media.example/1'], createdAt: new Date(text.receivedAt), statusUpdatedAt: new Date(text.receivedAt),
    });
    expect((await db.conversationEvent.findMany({ where: { conversationId: stored.conversationId } })).map((event) => event.type)).toEqual(['opened']);
    const live = await db.liveEvent.findMany({ where: { conversationId: stored.conversationId }, orderBy: { id: 'asc' } });
    expect(live.map((event) => [event.type, event.data])).toEqual([
      ['conversation.opened', { businessNumber: BUSINESS, customerNumber }],
      ['message.received', { businessNumber: BUSINESS, customerNumber }],
    ]);
  });

  it('reopens a closed conversation once, and a re-run reopens nothing more', async () => {
    const customerNumber = customer();
    const first = await activities.recordInbound({ ...keyed(customerNumber), sms: sms(customerNumber), receiptRef: 'run-k:text:1' });
    const conversationId = first.conversationId;
    await activities.saveConversation({ key: 'run-k:close', conversationId, patch: { status: 'closed' }, event: { type: 'closed' } });
    const back = sms(customerNumber, 'back again');
    await activities.recordInbound({ ...keyed(customerNumber), sms: back, receiptRef: 'run-k:text:2' });
    expect(await activities.recordInbound({ ...keyed(customerNumber), sms: back, receiptRef: 'run-k:text:2' })).toMatchObject({ duplicate: false });

    expect(await db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({ status: 'open', closedAt: null, lastActivityAt: new Date(back.receivedAt) });
    const events = await db.conversationEvent.findMany({ where: { conversationId }, orderBy: { createdAt: 'asc' } });
    expect(events.filter((event) => event.type === 'reopened').map((event) => event.data)).toEqual([{ by: 'customer' }]);
    expect(await db.liveEvent.count({ where: { conversationId, type: 'conversation.reopened' } })).toBe(1);
  });
});

describe('loadConversation', () => {
  it('reads the conversation, its agent and whether an agent replied, and the opt-out, or nothing yet', async () => {
    const customerNumber = customer();
    expect(await activities.loadConversation({ businessNumber: BUSINESS, customerNumber })).toEqual({ conversation: null, optedOut: false, settings: dependenciesOver(db).settings });
    const { conversationId } = await activities.ensureConversation(keyed(customerNumber));
    const agent = await db.agent.create({ data: { name: 'Ada', email: `ada-${customerNumber}@example.com` } });
    await db.conversation.update({ where: { id: conversationId }, data: { assignedAgentId: agent.id, needsAttention: true, attentionReason: 'Asked for a person' } });
    await activities.recordOutbound({ clientRef: `run-l:${customerNumber}`, conversationId, from: BUSINESS, to: customerNumber, body: 'hi', author: 'agent', agentId: agent.id });
    await activities.setOptOut({ customerNumber, conversationId, optedOut: true, keyword: 'STOP' });
    expect((await activities.loadConversation({ businessNumber: BUSINESS, customerNumber })).conversation).toEqual({
      id: conversationId, status: 'open', assignedAgentId: agent.id, assignedAgentName: 'Ada', needsAttention: true, attentionReason: 'Asked for a person', agentHasReplied: true,
    });
    expect((await activities.loadConversation({ businessNumber: BUSINESS, customerNumber })).optedOut).toBe(true);
  });
});

describe('writes keyed by the workflow', () => {
  it('saveConversation writes its audit event, change and live event once per key', async () => {
    const customerNumber = customer();
    const { conversationId } = await activities.ensureConversation(keyed(customerNumber));
    const save = { key: 'run-d:event:1', conversationId, patch: { needsAttention: true, attentionReason: 'No rule matched' }, event: { type: 'flagged' } };
    await activities.saveConversation(save);
    await activities.saveConversation(save);
    await activities.saveConversation({ ...save, key: 'run-d:event:2' });

    expect(await db.conversationEvent.count({ where: { conversationId, type: 'flagged' } })).toBe(2);
    expect(await db.liveEvent.count({ where: { conversationId, type: 'conversation.flagged' } })).toBe(2);
  });

  it('setOptOut writes its audit event and live event once per key', async () => {
    const customerNumber = customer();
    const { conversationId } = await activities.ensureConversation(keyed(customerNumber));
    const optOut = { key: 'run-e:event:1', customerNumber, conversationId, optedOut: true, keyword: 'STOP' };
    await activities.setOptOut(optOut);
    await activities.setOptOut(optOut);

    expect(await db.conversationEvent.count({ where: { conversationId, type: 'opted_out' } })).toBe(1);
    expect(await db.liveEvent.count({ where: { conversationId, type: 'contact.opted_out' } })).toBe(1);
    expect((await db.contact.findUnique({ where: { phoneNumber: customerNumber } }))?.optedOut).toBe(true);
  });

  it('parkJob keeps a job once, whatever bytes its payload holds, and tells agents', async () => {
    const customerNumber = customer();
    const { conversationId } = await activities.ensureConversation(keyed(customerNumber));
    const poison = sms(customerNumber, 'bad\u0000bytes\uD800');
    const park = {
      key: 'run-f:parked:1',
      workflowId: keyed(customerNumber).workflowId,
      conversationId,
      kind: 'inbound' as const,
      messageSid: poison.messageSid,
      payload: poison,
      reason: 'PostgreSQL refused the data (SQLSTATE 22021, data exception)',
    };
    await activities.parkJob(park);
    await activities.parkJob(park);

    const parked = await db.parkedJob.findMany({ where: { conversationId } });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ kind: 'inbound', messageSid: poison.messageSid, reason: park.reason });
    expect((parked[0]!.payload as { body: string }).body).toBe('bad\uFFFDbytes\uFFFD');
    expect(await db.liveEvent.count({ where: { conversationId, type: 'conversation.job_failed' } })).toBe(1);
  });

  it('markSendFailed settles a pending message once', async () => {
    const customerNumber = customer();
    const { conversationId } = await activities.ensureConversation(keyed(customerNumber));
    const outbound = { clientRef: 'run-g:send:1', conversationId, from: BUSINESS, to: customerNumber, body: 'hi', author: 'agent' as const };
    const recorded = await activities.recordOutbound(outbound);
    expect(await activities.recordOutbound(outbound)).toEqual(recorded);
    await activities.markSendFailed({ clientRef: outbound.clientRef, reason: 'Twilio returned 503 (retries exhausted)' });
    await activities.markSendFailed({ clientRef: outbound.clientRef, reason: 'Twilio returned 503 (retries exhausted)' });

    expect(await db.message.findUnique({ where: { clientRef: outbound.clientRef } })).toMatchObject({ status: 'failed' });
    expect(await db.liveEvent.count({ where: { messageId: recorded.messageId, type: 'message.failed' } })).toBe(1);
  });
});

describe('database failures', () => {
  it('refuses data PostgreSQL cannot store for good (StoreRejected), naming only the SQLSTATE', async () => {
    const customerNumber = customer();
    const error = await activities.recordInbound({ ...keyed(customerNumber), sms: sms(customerNumber, 'nul\u0000here'), receiptRef: 'run-h:text:1' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: FailureType.StoreRejected, nonRetryable: true });
    expect((error as Error).message).toBe('PostgreSQL refused the data (SQLSTATE 22021, data exception)');
  });

  it('reports an unreachable database as DatabaseUnavailable, to be waited for', async () => {
    const unreachable = createDatabase('postgresql://sms:sms@127.0.0.1:1/sms', { poolMax: 1 });
    try {
      const error = await activitiesOver(unreachable).loadConversation({ businessNumber: BUSINESS, customerNumber: customer() }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ type: FailureType.DatabaseUnavailable });
      expect((error as { nonRetryable?: boolean }).nonRetryable).toBeFalsy();
    } finally {
      await unreachable.$disconnect();
    }
  });
});
