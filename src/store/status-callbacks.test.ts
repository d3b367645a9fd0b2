// Recording status callbacks against a real PostgreSQL: the audit row (matched or not), the
// forward-only status, the live event, 21610 as an opt-out, one row per callback id even when
// two recorders race, and the check the status webhook makes before starting a workflow.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createStatusActivities } from '../activities/status-activities.ts';
import { createDatabase, type Database } from '../infra/database.ts';
import { createLogger } from '../infra/logger.ts';
import type { StatusCallbackReport } from '../shared/conversation-types.ts';
import { mayBeOurMessage, recordKnownStatusCallback, recordStatusCallback } from './status-callbacks.ts';

const BUSINESS = '+15005550006';

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 4 });
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const newSid = () => `SM${randomBytes(16).toString('hex')}`;
const newCustomer = () => `+1555${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;

/** A conversation with one outbound message, as the send activity leaves it. */
async function outbound(options: { status?: string; sid?: string | null } = {}) {
  const customer = newCustomer();
  const contact = await db.contact.create({ data: { phoneNumber: customer } });
  const conversation = await db.conversation.create({
    data: { businessNumber: BUSINESS, customerNumber: customer, contactId: contact.id, workflowId: `sms-conversation:${BUSINESS}:${customer}` },
  });
  const sid = options.sid === undefined ? newSid() : options.sid;
  const message = await db.message.create({
    data: {
      conversationId: conversation.id,
      direction: 'outbound',
      author: 'agent',
      body: 'Your order has shipped',
      status: options.status ?? 'queued',
      fromNumber: BUSINESS,
      toNumber: customer,
      twilioSid: sid,
    },
  });
  return { customer, sid: sid ?? newSid(), message, conversation };
}

function report(messageSid: string, status: string, extra: Partial<StatusCallbackReport> = {}): StatusCallbackReport {
  const payload: Record<string, string> = { MessageSid: messageSid, MessageStatus: status };
  if (extra.errorCode !== undefined) payload.ErrorCode = String(extra.errorCode);
  return { callbackId: randomUUID(), messageSid, status, receivedAt: new Date().toISOString(), payload, ...extra };
}

/** The workflow's activity over the same database. */
function activity() {
  return createStatusActivities({
    db,
    sendSms: () => Promise.reject(new Error('no Twilio here')),
    findSentSms: () => Promise.resolve(undefined),
    fetchMessageStatus: () => Promise.resolve(undefined),
    statusCallbackUrl: 'http://127.0.0.1/status',
    settings: { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600 },
    log: createLogger('silent', 'test'),
  }).recordStatusCallback;
}

const statusEventsOf = (messageId: string) => db.liveEvent.findMany({ where: { messageId, type: 'message.status' }, orderBy: { id: 'asc' } });

describe('recordStatusCallback', () => {
  it('moves the status forward, publishes message.status and keeps a matched audit row', async () => {
    const { sid, message } = await outbound({ status: 'queued' });
    const delivered = report(sid, 'delivered');
    expect(await recordStatusCallback(db, delivered)).toEqual({ applied: true, messageId: message.id, customerOptedOut: false });

    expect(await db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: 'delivered' });
    expect(await db.statusCallback.findUniqueOrThrow({ where: { id: delivered.callbackId } })).toMatchObject({
      messageSid: sid,
      status: 'delivered',
      applied: true,
      matched: true,
      payload: delivered.payload,
    });
    const events = await statusEventsOf(message.id);
    expect(events.map((event) => event.data)).toEqual([{ status: 'delivered', errorCode: null }]);
  });

  it('writes the callback time as the message status time and the audit time, in UTC like Prisma', async () => {
    const { sid, message } = await outbound({ status: 'queued' });
    const receivedAt = new Date(Date.now() - 90_000);
    const sent = report(sid, 'sent', { receivedAt: receivedAt.toISOString() });
    const before = Date.now();
    await recordStatusCallback(db, sent);
    expect((await db.message.findUniqueOrThrow({ where: { id: message.id } })).statusUpdatedAt).toEqual(receivedAt);
    expect((await db.statusCallback.findUniqueOrThrow({ where: { id: sent.callbackId } })).receivedAt).toEqual(receivedAt);
    const [event] = await statusEventsOf(message.id);
    expect(event?.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(event?.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('moves a status outside the ranking forward, and never to one', async () => {
    const { sid, message } = await outbound({ status: 'partially_delivered' });
    expect(await recordStatusCallback(db, report(sid, 'delivered'))).toMatchObject({ applied: true });
    expect(await recordStatusCallback(db, report(sid, 'some_new_status'))).toMatchObject({ applied: false });
    expect((await db.message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe('delivered');
  });

  it('keeps a late status as an audit row without moving the message back', async () => {
    const { sid, message } = await outbound({ status: 'delivered' });
    const late = report(sid, 'sent');
    expect(await recordStatusCallback(db, late)).toEqual({ applied: false, messageId: message.id, customerOptedOut: false });
    expect((await db.message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe('delivered');
    expect(await db.statusCallback.findUniqueOrThrow({ where: { id: late.callbackId } })).toMatchObject({ applied: false, matched: true });
    expect(await statusEventsOf(message.id)).toEqual([]);
  });

  it('keeps a callback for a message we do not know as unmatched and not applied', async () => {
    const unknown = report(newSid(), 'delivered');
    expect(await recordStatusCallback(db, unknown)).toEqual({ applied: false, messageId: null, customerOptedOut: false });
    expect(await db.statusCallback.findUniqueOrThrow({ where: { id: unknown.callbackId } })).toMatchObject({ applied: false, matched: false });
  });

  it('marks the customer opted out on error 21610', async () => {
    const { sid, customer } = await outbound({ status: 'sent' });
    const refused = report(sid, 'failed', { errorCode: 21610 });
    expect(await recordStatusCallback(db, refused)).toMatchObject({ applied: true, customerOptedOut: true });
    expect(await db.contact.findUniqueOrThrow({ where: { phoneNumber: customer } })).toMatchObject({
      optedOut: true,
      optOutKeyword: 'TWILIO_21610',
    });
  });

  it('writes one row for one callback id, even when two recorders race', async () => {
    const { sid, message } = await outbound({ status: 'sent' });
    const delivered = report(sid, 'delivered');
    // The webhook (Temporal looked unreachable) and the workflow's activity (it was not).
    const results = await Promise.all([recordStatusCallback(db, delivered), activity()(delivered)]);
    expect(results.map((result) => result.applied).sort()).toEqual([true, true]);
    expect(await db.statusCallback.count({ where: { id: delivered.callbackId } })).toBe(1);
    expect(await statusEventsOf(message.id)).toHaveLength(1);
  });

  it('is what the workflow activity runs, with the same result', async () => {
    const { sid, message } = await outbound({ status: 'queued' });
    const record = activity();
    const sent = report(sid, 'sent');
    expect(await record(sent)).toEqual({ applied: true, messageId: message.id, customerOptedOut: false });
    // A retried activity: the same callback id answers from its audit row and writes nothing.
    expect(await record(sent)).toEqual({ applied: true, messageId: null, customerOptedOut: false });
    expect(await db.statusCallback.count({ where: { messageSid: sid } })).toBe(1);
    expect(await statusEventsOf(message.id)).toHaveLength(1);
  });
});

describe('recordKnownStatusCallback (the status webhook records callbacks about stored SIDs itself)', () => {
  it('records a callback about a stored SID exactly as the workflow activity would', async () => {
    const { sid, message } = await outbound({ status: 'queued' });
    const delivered = report(sid, 'delivered');
    expect(await recordKnownStatusCallback(db, delivered)).toEqual({ applied: true, messageId: message.id, customerOptedOut: false });
    expect(await db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: 'delivered' });
    expect(await db.statusCallback.findUniqueOrThrow({ where: { id: delivered.callbackId } })).toMatchObject({ applied: true, matched: true });
    expect(await statusEventsOf(message.id)).toHaveLength(1);
  });

  it('writes nothing for a SID it does not know, so a callback that beat our write of the SID is not filed as unmatched', async () => {
    const { customer } = await outbound({ status: 'sending', sid: null });
    const early = report(newSid(), 'sent');
    expect(await recordKnownStatusCallback(db, early)).toBeUndefined();
    expect(await db.statusCallback.count({ where: { id: early.callbackId } })).toBe(0);
    expect(await db.contact.findUniqueOrThrow({ where: { phoneNumber: customer } })).toMatchObject({ optedOut: false });
  });

  it('tells the workflow, when it records the same callback after the webhook, what the webhook recorded: an opt-out and a failure', async () => {
    const { sid, message } = await outbound({ status: 'sent' });
    const refused = report(sid, 'failed', { errorCode: 21610 });
    expect(await recordKnownStatusCallback(db, refused)).toEqual({ applied: true, messageId: message.id, customerOptedOut: true });
    // The workflow's activity, signalled by the webhook: nothing written twice, the same verdict.
    expect(await activity()(refused)).toEqual({ applied: true, messageId: null, customerOptedOut: true });
    expect(await db.statusCallback.count({ where: { id: refused.callbackId } })).toBe(1);
    expect(await statusEventsOf(message.id)).toHaveLength(1);
  });

  it('does not call an opt-out what a 21610 about no message of ours was', async () => {
    const unknown = report(newSid(), 'failed', { errorCode: 21610 });
    await recordStatusCallback(db, unknown);
    expect(await recordKnownStatusCallback(db, unknown)).toEqual({ applied: false, messageId: null, customerOptedOut: false });
  });
});

describe('mayBeOurMessage', () => {
  it('knows a stored SID', async () => {
    const { sid, customer } = await outbound();
    expect(await mayBeOurMessage(db, { messageSid: sid, from: BUSINESS, to: customer })).toBe(true);
  });

  it('does not know a SID we never stored', async () => {
    const { customer } = await outbound();
    expect(await mayBeOurMessage(db, { messageSid: newSid(), from: BUSINESS, to: customer })).toBe(false);
    expect(await mayBeOurMessage(db, { messageSid: newSid(), from: BUSINESS, to: newCustomer() })).toBe(false);
  });

  it('counts a send from From to To still waiting for its SID, since its first callback can beat it', async () => {
    const { customer } = await outbound({ status: 'sending', sid: null });
    expect(await mayBeOurMessage(db, { messageSid: newSid(), from: BUSINESS, to: customer })).toBe(true);
    // The same send does not make callbacks for other pairs ours.
    expect(await mayBeOurMessage(db, { messageSid: newSid(), from: BUSINESS, to: newCustomer() })).toBe(false);
    expect(await mayBeOurMessage(db, { messageSid: newSid(), from: '+15005550001', to: customer })).toBe(false);
  });
});
