// A conversation outlives any single workflow run: continue-as-new keeps its state, and a closed
// conversation whose workflow finished picks up from the database when the customer writes again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeUpdate, stateQuery } from '../src/shared/conversation-definitions.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;

beforeAll(async () => {
  // Closed conversations' workflows finish after one second here, instead of an hour.
  stack = await startTestStack({ closedLingerSeconds: 1 });
});

afterAll(async () => {
  await stack?.stop();
});

async function runsOf(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.runId);
  return runs;
}

describe('continue-as-new', () => {
  it('carries de-duplication, the auto-reply window and flags into the next run', async () => {
    const customer = newCustomerNumber();
    const workflowId = stack.workflowId(customer);
    const firstSid = newMessageSid();
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'yes', messageSid: firstSid });
    const firstRunId = await waitFor('the first run', async () => (await stack.client.workflow.getHandle(workflowId).describe()).runId);

    // Enough plain texts (no rule matches, so each flags rather than replies) to cross the
    // test server's continue-as-new threshold several times.
    for (let index = 0; index < 25; index++) {
      const response = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: `note ${index}` });
      expect(response.status).toBe(200);
    }
    const state = await waitFor('all texts to be processed', async () => {
      const current = await stack.client.workflow.getHandle(workflowId).query(stateQuery);
      const stored = await stack.db.message.count({ where: { fromNumber: customer } });
      return stored === 26 && current.pendingWork === 0 ? current : undefined;
    });
    // Suggested after 60 events, the workflow continues as new once its queue is empty.
    await waitFor('a continue-as-new', async () => (await runsOf(workflowId)).length > 1);
    expect((await stack.client.workflow.getHandle(workflowId).describe()).runId).not.toBe(firstRunId);

    // The new run still knows what the old one did.
    expect(state.needsAttention).toBe(true);
    expect(state.autoReplies.sentInWindow).toBe(1);

    // A redelivery of the very first webhook, after several runs, is still a duplicate.
    const again = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'yes', messageSid: firstSid });
    expect(again.status).toBe(200);
    await waitFor('the redelivery to be handled', async () => (await stack.client.workflow.getHandle(workflowId).query(stateQuery)).pendingWork === 0);
    expect(await stack.db.message.count({ where: { fromNumber: customer } })).toBe(26);
    expect(stack.emulator.messages().filter((message) => message.to === customer)).toHaveLength(1);
  });
});

describe('a closed conversation whose workflow has finished', () => {
  it('starts a new run that reopens the stored conversation and keeps its history', async () => {
    const customer = newCustomerNumber();
    const workflowId = stack.workflowId(customer);
    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'status' });
    await stack.emulator.waitForMessages((all) => all.some((message) => message.to === customer));
    await waitFor('the flag', async () => (await stack.client.workflow.getHandle(workflowId).query(stateQuery)).needsAttention);
    await stack.client.workflow.getHandle(workflowId).executeUpdate(closeUpdate, { args: [{ reason: 'resolved' }] });

    const finished = await waitFor('the closed workflow to complete', async () => {
      const description = await stack.client.workflow.getHandle(workflowId).describe();
      return description.status.name === 'COMPLETED' ? description : undefined;
    });

    await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: 'documents' });
    await stack.emulator.waitForMessages((all) => all.filter((message) => message.to === customer).length === 2);
    const reopened = await waitFor('the conversation to reopen', async () => {
      const conversation = await stack.db.conversation.findFirst({ where: { customerNumber: customer } });
      return conversation?.status === 'open' ? conversation : undefined;
    });
    const description = await stack.client.workflow.getHandle(workflowId).describe();
    expect(description.runId).not.toBe(finished.runId);
    expect(description.status.name).toBe('RUNNING');
    // Visibility (the list) catches up a moment after the run starts. (A late status callback
    // may have started and finished a short run in between, so "at least two".)
    await waitFor('both runs to be listed', async () => (await runsOf(workflowId)).length >= 2);

    const state = await stack.client.workflow.getHandle(workflowId).query(stateQuery);
    // The customer wrote to a closed conversation: it is back in the queue for a person.
    expect(state).toMatchObject({ status: 'open', conversationId: reopened.id, needsAttention: true, attentionReason: 'Customer wrote again' });
    expect(await stack.db.message.count({ where: { conversationId: reopened.id } })).toBe(4);
  });
});
