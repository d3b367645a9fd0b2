// The inbound pipeline end to end: Twilio (the emulator) posts signed webhooks to our API over
// real HTTP, the conversation workflow runs on a real Temporal server and stores into a real
// PostgreSQL, replies go back out through the emulator with real status callbacks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { sendMessageUpdate, stateQuery, statusCallbackSignal } from '../src/shared/conversation-definitions.ts';
import { SA_LAST_DELIVERY_FAILURE } from '../src/shared/search-attributes.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from './support/stack.ts';
import { postSignedForm } from './support/twilio-http.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

const HELP_RULE_TEXT = /An agent will follow up/;

function conversationOf(customerNumber: string) {
  return stack.db.conversation.findUnique({
    where: { businessNumber_customerNumber: { businessNumber: BUSINESS_NUMBER, customerNumber } },
  });
}

function messagesOf(customerNumber: string) {
  return stack.db.message.findMany({ where: { conversation: { customerNumber } }, orderBy: { createdAt: 'asc' } });
}

function sentTo(customerNumber: string) {
  return stack.emulator.messages().filter((message) => message.to === customerNumber);
}

/** Waits until `count` messages have been sent to the customer and returns them. */
async function repliesTo(customerNumber: string, count = 1) {
  await stack.emulator.waitForMessages((all) => all.filter((message) => message.to === customerNumber).length >= count);
  return sentTo(customerNumber);
}

/**
 * Waits until the customer's `inboundCount` texts are stored and the workflow has nothing
 * queued, so "nothing more happened" can be asserted. (A query alone could run before the
 * worker has even seen the latest signals.)
 */
async function settled(customerNumber: string, inboundCount: number) {
  return waitFor('the conversation to settle', async () => {
    const stored = await stack.db.message.count({ where: { fromNumber: customerNumber, direction: 'inbound' } });
    if (stored < inboundCount) return undefined;
    const state = await stack.client.workflow.getHandle(stack.workflowId(customerNumber)).query(stateQuery);
    return state.pendingWork === 0 ? state : undefined;
  });
}

describe('a customer asking for help', () => {
  it('stores one inbound message, sends one help reply, records delivery and flags the conversation', async () => {
    const customer = newCustomerNumber();
    const inbound = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'Can I get some HELP please' });

    expect(inbound.status).toBe(200);
    expect(inbound.body).toMatch(/<Response\s*\/>|<Response><\/Response>/);

    const [reply] = await repliesTo(customer);
    expect(reply?.body).toMatch(HELP_RULE_TEXT);
    expect(reply?.from).toBe(BUSINESS_NUMBER);

    const outbound = await waitFor('the reply to be delivered', async () => {
      const stored = await stack.db.message.findFirst({ where: { direction: 'outbound', toNumber: customer } });
      return stored?.status === 'delivered' ? stored : undefined;
    });
    expect(outbound.author).toBe('auto_response');
    expect(outbound.twilioSid).toBe(sentTo(customer)[0]?.sid);
    expect(outbound.autoResponseRuleId).not.toBeNull();

    const conversation = await waitFor('the conversation to be flagged', async () => {
      const found = await conversationOf(customer);
      return found?.needsAttention ? found : undefined;
    });
    expect(conversation.attentionReason).toMatch(/Help/);

    // Ops see who is texting which number in the Temporal UI's list, and the agent state on its page.
    const description = await stack.client.workflow.getHandle(stack.workflowId(customer)).describe();
    expect(await description.staticSummary()).toBe(`SMS with ${customer} on ${BUSINESS_NUMBER}`);

    await settled(customer, 1);
    const messages = await messagesOf(customer);
    expect(messages.filter((message) => message.direction === 'inbound')).toHaveLength(1);
    expect(messages.find((message) => message.direction === 'inbound')?.twilioSid).toBe(inbound.messageSid);
    expect(sentTo(customer)).toHaveLength(1);
    const callbacks = await stack.db.statusCallback.findMany({ where: { messageSid: outbound.twilioSid! } });
    expect(callbacks.map((callback) => callback.status).sort()).toEqual(['delivered', 'sent']);
  });
});

describe('Twilio delivering the same webhook twice', () => {
  it('stores one message and sends one reply', async () => {
    const customer = newCustomerNumber();
    const messageSid = newMessageSid();
    const first = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'yes', messageSid });
    const second = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'yes', messageSid });
    expect([first.status, second.status]).toEqual([200, 200]);

    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    await settled(customer, 1);
    const inbound = (await messagesOf(customer)).filter((message) => message.direction === 'inbound');
    expect(inbound).toHaveLength(1);
    expect(sentTo(customer)).toHaveLength(1);
  });
});

describe('the auto-reply rate limit', () => {
  it('answers three texts inside the window and flags the fourth for an agent instead', async () => {
    const customer = newCustomerNumber();
    for (const [index, body] of ['yes', 'ok', 'confirm'].entries()) {
      await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body });
      await stack.emulator.waitForMessages((all) => all.filter((message) => message.to === customer).length === index + 1);
    }
    const before = await conversationOf(customer);
    expect(before?.needsAttention).toBe(false);

    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'ok thanks' });
    const flagged = await waitFor('the fourth text to flag the conversation', async () => {
      const found = await conversationOf(customer);
      return found?.needsAttention ? found : undefined;
    });
    expect(flagged.attentionReason).toMatch(/limit/i);
    const state = await settled(customer, 4);
    expect(state.autoReplies.sentInWindow).toBe(3);
    expect(state.autoReplies.nextAllowedAt).not.toBeNull();
    expect(sentTo(customer)).toHaveLength(3);
    expect((await messagesOf(customer)).filter((message) => message.direction === 'inbound')).toHaveLength(4);
  });
});

describe('opt-out', () => {
  it('confirms a STOP exactly once and sends nothing afterwards', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'STOP' });
    const [confirmation] = await repliesTo(customer);
    expect(confirmation?.body).toMatch(/unsubscribed/i);

    const contact = await waitFor('the contact to be opted out', async () => {
      const found = await stack.db.contact.findUnique({ where: { phoneNumber: customer } });
      return found?.optedOut ? found : undefined;
    });
    expect(contact.optOutKeyword).toBe('STOP');
    expect(contact.optedOutAt).not.toBeNull();

    // A second STOP, a keyword text and an agent's reply: none of them may reach the customer.
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'stop' });
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'yes please send the documents' });
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    const attempt = handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'Are you still there?', agentId: undefined }] });
    await expect(attempt).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(attempt).rejects.toMatchObject({ cause: { type: 'CustomerOptedOut' } });

    const state = await settled(customer, 3);
    expect(state.optedOut).toBe(true);
    expect(sentTo(customer)).toHaveLength(1);
    expect((await messagesOf(customer)).filter((message) => message.direction === 'inbound')).toHaveLength(3);
  });

  it('refuses and records a send when the customer opted out on another of our numbers', async () => {
    const customer = newCustomerNumber();
    const otherNumber = '+15005550009';
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'documents' });
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    // The opt-out arrives through another conversation, so this workflow's own state is stale:
    // the send activity's database check is what must stop the message.
    await stack.emulator.sendInbound({ from: customer, to: otherNumber, body: 'UNSUBSCRIBE' });
    const [, confirmation] = await repliesTo(customer, 2);
    expect(confirmation).toMatchObject({ from: otherNumber, body: expect.stringMatching(/unsubscribed/i) });
    await waitFor('the contact to be opted out', async () => (await stack.db.contact.findUnique({ where: { phoneNumber: customer } }))?.optedOut);
    const sentBefore = sentTo(customer).length;

    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    await expect(handle.executeUpdate(sendMessageUpdate, { args: [{ body: 'Here is your update' }] })).rejects.toMatchObject({
      cause: { type: 'CustomerOptedOut' },
    });
    const refused = await stack.db.message.findFirst({ where: { toNumber: customer, body: 'Here is your update' } });
    expect(refused?.status).toBe('refused');
    expect(sentTo(customer)).toHaveLength(sentBefore);
  });

  it('opts a customer back in with START', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'STOP' });
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'START' });
    const messages = await stack.emulator.waitForMessages((all) => all.filter((message) => message.to === customer).length === 2);
    expect(messages.filter((message) => message.to === customer)[1]?.body).toMatch(/resubscribed/i);
    const contact = await waitFor('the contact to be opted in', async () => {
      const found = await stack.db.contact.findUnique({ where: { phoneNumber: customer } });
      return found && !found.optedOut ? found : undefined;
    });
    expect(contact.optOutKeyword).toBe('START');
  });

  it('treats a Twilio 21610 answer as an opt-out, not a retryable failure', async () => {
    const customer = newCustomerNumber();
    stack.emulator.markOptedOut(customer);
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'status' });
    const contact = await waitFor('the contact to be opted out', async () => {
      const found = await stack.db.contact.findUnique({ where: { phoneNumber: customer } });
      return found?.optedOut ? found : undefined;
    });
    expect(contact.optOutKeyword).toBe('TWILIO_21610');
    const reply = await waitFor('the reply to be marked failed', async () => {
      const row = await stack.db.message.findFirst({ where: { toNumber: customer, direction: 'outbound' } });
      return row?.status === 'failed' ? row : undefined;
    });
    expect(reply).toMatchObject({ status: 'failed', errorCode: 21610, twilioSid: null });
    expect(sentTo(customer)).toHaveLength(0);
  });
});

describe('Twilio failures', () => {
  it('retries a 500 from Twilio and sends the reply exactly once', async () => {
    const customer = newCustomerNumber();
    stack.emulator.failNextSends(1, 500);
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'documents' });
    const [reply] = await repliesTo(customer);
    expect(reply?.body).toMatch(/documents/i);
    const stored = await waitFor('the reply to be recorded as sent', async () => {
      const rows = await stack.db.message.findMany({ where: { toNumber: customer, direction: 'outbound' } });
      return rows.length === 1 && rows[0]!.twilioSid ? rows : undefined;
    });
    expect(stored[0]!.twilioSid).toBe(reply!.sid);
    await settled(customer, 1);
    expect(sentTo(customer)).toHaveLength(1);
  });

  it('does not retry a permanent 400 and records the failure on the message', async () => {
    const customer = newCustomerNumber();
    stack.emulator.failNextSends(1, 400);
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'documents' });
    const failed = await waitFor('the reply to be marked failed', async () => {
      const row = await stack.db.message.findFirst({ where: { toNumber: customer, direction: 'outbound' } });
      return row?.status === 'failed' ? row : undefined;
    });
    expect(failed.twilioSid).toBeNull();
    await settled(customer, 1);
    expect(sentTo(customer)).toHaveLength(0);
    // The next auto-reply goes out normally: one refusal does not poison the conversation.
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'yes' });
    expect((await repliesTo(customer))[0]?.body).toMatch(/confirmation/i);
  });
});

/** The MessageStatus of every status callback signalled to the customer's conversation workflow. */
async function statusSignalsOf(customerNumber: string): Promise<string[]> {
  const history = await stack.client.workflow.getHandle(stack.workflowId(customerNumber)).fetchHistory();
  const statuses: string[] = [];
  for (const event of history.events ?? []) {
    const signalled = event.workflowExecutionSignaledEventAttributes;
    if (signalled?.signalName !== statusCallbackSignal.name) continue;
    const payload = signalled.input?.payloads?.[0]?.data;
    statuses.push((JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as { status: string }).status);
  }
  return statuses;
}

describe('status callbacks', () => {
  it('keeps a delivered message delivered when a late "sent" arrives after it', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'upload' });
    const [reply] = await repliesTo(customer);
    const sid = reply!.sid;
    const callback = (status: string) => ({
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      AccountSid: stack.accountSid,
      From: BUSINESS_NUMBER,
      To: customer,
      ApiVersion: '2010-04-01',
    });
    // Out of order: delivered first, then the sent and queued that should have preceded it.
    for (const status of ['delivered', 'sent', 'queued']) {
      const response = await postSignedForm(stack.statusUrl, callback(status), stack.authToken);
      expect(response.status).toBe(204);
    }
    await waitFor('all five callbacks to be audited', async () => (await stack.db.statusCallback.count({ where: { messageSid: sid } })) >= 5);
    await settled(customer, 1);
    const stored = await stack.db.message.findUnique({ where: { twilioSid: sid } });
    expect(stored?.status).toBe('delivered');
    const audit = await stack.db.statusCallback.findMany({ where: { messageSid: sid } });
    expect(audit).toHaveLength(5);
    expect(audit.filter((row) => row.applied).map((row) => row.status)).toContain('delivered');
  });

  it('records an undelivered outcome with its error code, and tells the workflow (LastDeliveryFailure)', async () => {
    const customer = newCustomerNumber();
    stack.emulator.setDeliveryOutcome(customer, 'undelivered');
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'confirm' });
    const stored = await waitFor('the reply to be undelivered', async () => {
      const found = await stack.db.message.findFirst({ where: { toNumber: customer, direction: 'outbound' } });
      return found?.status === 'undelivered' ? found : undefined;
    });
    expect(stored.errorCode).toBe(30003);
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    const failedAt = await waitFor('LastDeliveryFailure to be stamped', async () => (await handle.describe()).typedSearchAttributes.get(SA_LAST_DELIVERY_FAILURE));
    expect(failedAt).toBeInstanceOf(Date);
    // Only the callback it had to act on was signalled; the `sent` before it was recorded by the webhook.
    expect(await statusSignalsOf(customer)).toEqual(['undelivered']);
  });

  it('records sent and delivered at the webhook, without a signal or a workflow task for either', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'upload' });
    const [reply] = await repliesTo(customer);
    await waitFor('the reply to be delivered', async () => (await stack.db.message.findUnique({ where: { twilioSid: reply!.sid } }))?.status === 'delivered');
    const audit = await stack.db.statusCallback.findMany({ where: { messageSid: reply!.sid }, orderBy: { receivedAt: 'asc' } });
    expect(audit.map((row) => [row.status, row.applied, row.matched])).toEqual([
      ['sent', true, true],
      ['delivered', true, true],
    ]);
    await settled(customer, 1);
    expect(await statusSignalsOf(customer)).toEqual([]);
  });

  it('tells the workflow of a 21610 callback: the conversation is opted out in its state too, and nothing more is sent', async () => {
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'upload' });
    const [reply] = await repliesTo(customer);
    const response = await postSignedForm(
      stack.statusUrl,
      { MessageSid: reply!.sid, SmsSid: reply!.sid, MessageStatus: 'failed', SmsStatus: 'failed', ErrorCode: '21610', AccountSid: stack.accountSid, From: BUSINESS_NUMBER, To: customer, ApiVersion: '2010-04-01' },
      stack.authToken,
    );
    expect(response.status).toBe(204);
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    await waitFor('the workflow to know the customer opted out', async () => (await handle.query(stateQuery)).optedOut);
    expect(await stack.db.contact.findUniqueOrThrow({ where: { phoneNumber: customer } })).toMatchObject({ optedOut: true, optOutKeyword: 'TWILIO_21610' });
    expect(await stack.db.statusCallback.count({ where: { messageSid: reply!.sid, status: 'failed' } })).toBe(1);
    expect(await statusSignalsOf(customer)).toEqual(['failed']);
  });
});

describe('conversation lifecycle', () => {
  it('reopens a closed conversation on the customer\'s next text', async () => {
    const { closeUpdate } = await import('../src/shared/conversation-definitions.ts');
    const customer = newCustomerNumber();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'hello there' });
    await waitFor('the conversation to exist', () => conversationOf(customer));
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    const closed = await handle.executeUpdate(closeUpdate, { args: [{}] });
    expect(closed.status).toBe('closed');
    expect((await conversationOf(customer))?.status).toBe('closed');

    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'one more thing' });
    const reopened = await waitFor('the conversation to reopen', async () => {
      const found = await conversationOf(customer);
      return found?.status === 'open' ? found : undefined;
    });
    expect(reopened.closedAt).toBeNull();
    const events = await stack.db.conversationEvent.findMany({ where: { conversationId: reopened.id }, orderBy: { createdAt: 'asc' } });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['opened', 'closed', 'reopened']));
  });
});
