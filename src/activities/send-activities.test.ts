// The send activity against a real PostgreSQL (Twilio faked): the row recorded before the call,
// the stored opt-out refusing a send, an earlier attempt left in 'sending' settled rather than
// sent again, and Twilio's answer written with the conversation's last activity and `message.sent`.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../infra/database.ts';
import { createLogger } from '../infra/logger.ts';
import { FailureType } from '../shared/failure-types.ts';
import type { AcceptedSms, FindSentSms, OutboundSms } from '../twilio/send-sms.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createDbActivities, createTwilioActivities } from './index.ts';
import type { SendMessageInput } from './outbound-activities.ts';

const BUSINESS = '+15005550006';

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url, { poolMax: 2 });
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

/** The activities over a fake Twilio that accepts every send (and counts them). */
function withTwilio(options: { findSentSms?: FindSentSms } = {}) {
  const sent: OutboundSms[] = [];
  const deps = {
    db,
    sendSms: async (sms: OutboundSms): Promise<AcceptedSms> => {
      sent.push(sms);
      return { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', numSegments: 1, errorCode: null };
    },
    findSentSms: options.findSentSms ?? (() => Promise.resolve(undefined)),
    fetchMessageStatus: () => Promise.resolve(undefined),
    statusCallbackUrl: 'http://127.0.0.1/status',
    settings: { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600 },
    log: createLogger('silent', 'test'),
  };
  return { sent, ...createDbActivities(deps), ...createTwilioActivities(deps) };
}

async function conversationWith(options: { optedOut?: boolean } = {}): Promise<SendMessageInput> {
  const customerNumber = `+1555${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;
  const { conversationId } = await withTwilio().ensureConversation({ workflowId: `sms-conversation:${BUSINESS}:${customerNumber}`, businessNumber: BUSINESS, customerNumber });
  if (options.optedOut) await db.contact.update({ where: { phoneNumber: customerNumber }, data: { optedOut: true } });
  return { clientRef: `send:${randomBytes(6).toString('hex')}`, conversationId, from: BUSINESS, to: customerNumber, body: 'Your order has shipped', author: 'agent' };
}

describe('sendMessage', () => {
  it('sends a recorded message once and writes its SID, the conversation activity and message.sent', async () => {
    const twilio = withTwilio();
    const input = await conversationWith();
    const recorded = await twilio.recordOutbound(input);
    expect(recorded).toMatchObject({ status: 'pending', twilioSid: null });
    const before = Date.now();
    const result = await twilio.sendMessage(input);
    expect(result).toMatchObject({ messageId: recorded.messageId, status: 'queued', numSegments: 1 });
    expect(await twilio.sendMessage(input)).toEqual(result); // a retry finds it sent
    expect(twilio.sent).toHaveLength(1);

    const message = await db.message.findUniqueOrThrow({ where: { id: recorded.messageId } });
    expect(message).toMatchObject({ twilioSid: result.twilioSid, status: 'queued' });
    expect(message.sentAt!.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(message.sentAt!.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: input.conversationId } });
    expect(conversation.lastActivityAt).toEqual(message.sentAt);
    const events = await db.liveEvent.findMany({ where: { messageId: recorded.messageId } });
    expect(events.map((event) => [event.type, event.data])).toEqual([['message.sent', { author: 'agent', status: 'queued', twilioSid: result.twilioSid }]]);
  });

  it('records a message it was not given recorded (runs from before the outbox)', async () => {
    const twilio = withTwilio();
    const input = await conversationWith();
    const result = await twilio.sendMessage({ ...input, mediaUrls: ['https://media.example/a.png'] });
    expect(await db.message.findUniqueOrThrow({ where: { clientRef: input.clientRef } })).toMatchObject({
      id: result.messageId, direction: 'outbound', author: 'agent', mediaUrls: ['https://media.example/a.png'], encoding: 'GSM-7',
    });
  });

  it('refuses an opted-out customer (and says why, once), unless told the send is allowed', async () => {
    const twilio = withTwilio();
    const input = await conversationWith({ optedOut: true });
    await twilio.recordOutbound(input);
    await expect(twilio.sendMessage(input)).rejects.toMatchObject({ type: FailureType.CustomerOptedOut, nonRetryable: true });
    await expect(twilio.sendMessage(input)).rejects.toMatchObject({ type: FailureType.TwilioRejected, nonRetryable: true });
    const message = await db.message.findUniqueOrThrow({ where: { clientRef: input.clientRef } });
    expect(message).toMatchObject({ status: 'refused', errorCode: null });
    expect(await db.liveEvent.count({ where: { messageId: message.id, type: 'message.failed' } })).toBe(1);

    const allowed = { ...input, clientRef: `${input.clientRef}:confirm`, author: 'system' as const, allowOptedOut: true };
    expect(await twilio.sendMessage(allowed)).toMatchObject({ status: 'queued' });
    expect(twilio.sent).toHaveLength(1);
  });

  it('settles an earlier attempt left in sending from what Twilio has, without sending again', async () => {
    const found: AcceptedSms = { sid: `SM${randomBytes(16).toString('hex')}`, status: 'sent', numSegments: 2, errorCode: null };
    const queries: unknown[] = [];
    const twilio = withTwilio({ findSentSms: async (query) => (queries.push(query), found) });
    const input = await conversationWith();
    const recorded = await twilio.recordOutbound(input);
    await db.message.update({ where: { id: recorded.messageId }, data: { status: 'sending' } });
    const createdAt = (await db.message.findUniqueOrThrow({ where: { id: recorded.messageId } })).createdAt;

    expect(await twilio.sendMessage(input)).toMatchObject({ messageId: recorded.messageId, twilioSid: found.sid, status: 'sent', numSegments: 2 });
    expect(twilio.sent).toHaveLength(0);
    expect(queries).toEqual([{ to: input.to, from: BUSINESS, body: input.body, since: createdAt }]);
  });

  it('sends again when an earlier attempt in sending is not found at Twilio', async () => {
    const twilio = withTwilio();
    const input = await conversationWith();
    const recorded = await twilio.recordOutbound(input);
    await db.message.update({ where: { id: recorded.messageId }, data: { status: 'sending' } });
    expect(await twilio.sendMessage(input)).toMatchObject({ messageId: recorded.messageId, status: 'queued' });
    expect(twilio.sent).toHaveLength(1);
  });
});

describe('recordOutbound', () => {
  it('releases a scheduled message whose time came to pending, once', async () => {
    const twilio = withTwilio();
    const input = await conversationWith();
    const scheduled = await twilio.recordScheduled({ ...input, sendAt: new Date(Date.now() + 60_000).toISOString() });
    expect(await twilio.recordOutbound(input)).toMatchObject({ messageId: scheduled.messageId, status: 'pending' });
    expect(await twilio.recordOutbound(input)).toMatchObject({ messageId: scheduled.messageId, status: 'pending' });
    expect(await db.message.findUniqueOrThrow({ where: { id: scheduled.messageId } })).toMatchObject({ status: 'pending' });
  });
});
