// Shared by the api-conversations-*.test.ts files: an agent's HTTP client for the conversation
// routes, and customers texting in through the Twilio emulator.
import { expect } from 'vitest';
import { stateQuery } from '../src/shared/conversation-definitions.ts';
import { requestJson, type JsonResponse } from './support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

export interface AgentClient {
  get(path: string): Promise<JsonResponse>;
  post(path: string, body?: unknown): Promise<JsonResponse>;
}

export function clientFor(stack: TestStack, token: string): AgentClient {
  return {
    get: (path) => requestJson(stack.baseUrl, 'GET', path, { token }),
    post: (path, body) => requestJson(stack.baseUrl, 'POST', path, { token, body: body ?? {} }),
  };
}

async function inboundStored(stack: TestStack, customer: string): Promise<number> {
  return stack.db.message.count({ where: { fromNumber: customer, direction: 'inbound' } });
}

/**
 * Waits until everything the customer sent is stored and the workflow has nothing queued, so a
 * test can assert on what it did (and on what it did not do).
 */
export async function settled(stack: TestStack, customer: string, inboundCount?: number): Promise<void> {
  await waitFor(`the conversation with ${customer} to settle`, async () => {
    const conversation = await stack.db.conversation.findUnique({
      where: { businessNumber_customerNumber: { businessNumber: BUSINESS_NUMBER, customerNumber: customer } },
    });
    if (!conversation) return undefined;
    if (inboundCount !== undefined && (await inboundStored(stack, customer)) < inboundCount) return undefined;
    const handle = stack.client.workflow.getHandle(stack.workflowId(customer));
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return true;
    return (await handle.query(stateQuery)).pendingWork === 0;
  });
}

/** The customer texts the business number; resolves once the text is stored and handled. */
export async function textIn(stack: TestStack, customer: string, body: string): Promise<void> {
  const before = await inboundStored(stack, customer);
  const answer = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body });
  expect(answer.status).toBe(200);
  await settled(stack, customer, before + 1);
}

/**
 * A new customer texts in (a text no rule answers, so nothing is sent back and the conversation
 * is flagged for an agent); resolves with the stored conversation's id.
 */
export async function openConversation(stack: TestStack, body = 'Hi, I have a question about my account'): Promise<{ id: string; customer: string }> {
  const customer = newCustomerNumber();
  await textIn(stack, customer, body);
  const conversation = await stack.db.conversation.findUniqueOrThrow({
    where: { businessNumber_customerNumber: { businessNumber: BUSINESS_NUMBER, customerNumber: customer } },
  });
  return { id: conversation.id, customer };
}

/** The customer texts STOP; resolves once the opt-out is stored. */
export async function optOut(stack: TestStack, customer: string): Promise<void> {
  await textIn(stack, customer, 'STOP');
  await waitFor('the contact to be opted out', async () => (await stack.db.contact.findUnique({ where: { phoneNumber: customer } }))?.optedOut);
}

export function sentTo(stack: TestStack, customer: string) {
  return stack.emulator.messages().filter((message) => message.to === customer);
}

/** A well-formed id no conversation has. */
export const UNKNOWN_ID = '0b5c3f8e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
