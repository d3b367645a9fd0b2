// Delivery reconciliation on the real pipeline: a reply whose status callbacks Twilio (the
// emulator) lost stays where it was until the reconciliation workflow asks Twilio and settles
// it; a message Twilio does not know fails with the reason; a settled message is not touched.
// And the schedule that runs it: created at worker start, idempotent when made sure of again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/infra/logger.ts';
import {
  DELIVERY_RECONCILIATION_SCHEDULE_ID,
  RECONCILIATION_SOURCE,
  UNKNOWN_TO_TWILIO_REASON,
  type ReconcileDeliveriesSummary,
} from '../src/shared/delivery-reconciliation.ts';
import { superviseConversationWorker } from '../src/runtime/worker-supervisor.ts';
import { ensureDeliveryReconciliationSchedule } from '../src/temporal/delivery-schedule.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from './support/stack.ts';
import { waitFor } from './support/wait-for.ts';

let stack: TestStack;
const log = createLogger('silent', 'test');

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** Texts in as the customer; resolves with the auto-reply's row once Twilio (the emulator) has delivered it. */
async function autoReplyTo(customerNumber: string) {
  await stack.emulator.sendInbound({ from: customerNumber, to: BUSINESS_NUMBER, body: 'documents' });
  const messages = await stack.emulator.waitForMessages((all) => all.some((m) => m.to === customerNumber && m.status === 'delivered'), 15_000);
  const reply = messages.find((m) => m.to === customerNumber)!;
  return waitFor('the reply stored with its SID', async () => (await stack.db.message.findUnique({ where: { twilioSid: reply.sid } })) ?? undefined);
}

function reconcile(olderThanSeconds: number): Promise<ReconcileDeliveriesSummary> {
  return stack.client.workflow.execute('reconcileDeliveriesWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `test-reconciliation-${randomBytes(4).toString('hex')}`,
    args: [{ olderThanSeconds, limit: 10 }],
  });
}

describe('delivery reconciliation', () => {
  it('settles lost callbacks from Twilio, fails what Twilio does not know, and leaves settled messages alone', async () => {
    // A reply delivered normally: its callbacks arrive and it is settled.
    const settledCustomer = newCustomerNumber();
    const settledReply = await autoReplyTo(settledCustomer);
    const settled = await waitFor('the normal reply delivered', async () => {
      const row = await stack.db.message.findUnique({ where: { id: settledReply.id } });
      return row?.status === 'delivered' ? row : undefined;
    });

    // A reply whose callbacks are lost: Twilio has it delivered, we still have it queued.
    const lostCustomer = newCustomerNumber();
    stack.emulator.dropStatusCallbacks(lostCustomer);
    const lost = await autoReplyTo(lostCustomer);
    expect(stack.emulator.messages().find((m) => m.sid === lost.twilioSid)?.status).toBe('delivered');
    expect((await stack.db.message.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe('queued');
    expect(await stack.db.statusCallback.count({ where: { messageSid: lost.twilioSid! } })).toBe(0);

    // An outbound message Twilio has never heard of, stuck at `sent` for two hours.
    const unknownSid = newMessageSid();
    const unknown = await stack.db.message.create({
      data: {
        conversationId: lost.conversationId,
        direction: 'outbound',
        author: 'agent',
        body: 'lost in space',
        status: 'sent',
        twilioSid: unknownSid,
        fromNumber: BUSINESS_NUMBER,
        toNumber: lostCustomer,
        statusUpdatedAt: new Date(Date.now() - 2 * 3600_000),
      },
    });

    // Only what has stood still for an hour: the unknown message alone.
    expect(await reconcile(3600)).toEqual({ checked: 1, settled: 0, failed: 1, unchanged: 0, errors: 0 });
    const failed = await stack.db.message.findUniqueOrThrow({ where: { id: unknown.id } });
    expect(failed).toMatchObject({ status: 'failed', errorMessage: UNKNOWN_TO_TWILIO_REASON });
    const failedEvent = await stack.db.liveEvent.findFirst({ where: { messageId: unknown.id, type: 'message.failed' } });
    expect(failedEvent?.data).toMatchObject({ status: 'failed', reason: UNKNOWN_TO_TWILIO_REASON });
    expect((await stack.db.message.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe('queued');

    // Everything unsettled: the lost reply, asked of Twilio, is delivered.
    expect(await reconcile(0)).toEqual({ checked: 1, settled: 1, failed: 0, unchanged: 0, errors: 0 });
    expect((await stack.db.message.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe('delivered');
    const audit = await stack.db.statusCallback.findMany({ where: { messageSid: lost.twilioSid! } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ status: 'delivered', applied: true, matched: true });
    expect(audit[0]!.payload).toMatchObject({ source: RECONCILIATION_SOURCE });
    const statusEvent = await stack.db.liveEvent.findFirst({ where: { messageId: lost.id, type: 'message.status' } });
    expect(statusEvent?.data).toMatchObject({ status: 'delivered' });

    // Nothing left to do; the settled reply was never asked about and is exactly as it was.
    expect(await reconcile(0)).toEqual({ checked: 0, settled: 0, failed: 0, unchanged: 0, errors: 0 });
    expect(await stack.db.message.findUniqueOrThrow({ where: { id: settled.id } })).toEqual(settled);
    const settledAudit = await stack.db.statusCallback.findMany({ where: { messageSid: settled.twilioSid! } });
    expect(settledAudit.every((row) => (row.payload as { source?: string }).source !== RECONCILIATION_SOURCE)).toBe(true);
  });

  it('makes sure of its schedule idempotently, and deletes it when turned off', async () => {
    const scheduleId = `test-reconciliation-${randomBytes(4).toString('hex')}`;
    const options = { intervalSeconds: 300, afterSeconds: 600, batchSize: 100, taskQueue: stack.taskQueue, log, scheduleId };
    try {
      expect(await ensureDeliveryReconciliationSchedule(stack.client, options)).toBe('created');
      expect(await ensureDeliveryReconciliationSchedule(stack.client, options)).toBe('updated');
      expect(await ensureDeliveryReconciliationSchedule(stack.client, { ...options, intervalSeconds: 120 })).toBe('updated');

      const described = await stack.client.schedule.getHandle(scheduleId).describe();
      expect(described.spec.intervals).toMatchObject([{ every: 120_000 }]);
      expect(described.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'reconcileDeliveriesWorkflow',
        taskQueue: stack.taskQueue,
        args: [{ olderThanSeconds: 600, limit: 100 }],
      });
      expect(described.policies.overlap).toBe('SKIP');
      expect(described.state.paused).toBe(false);
      // One schedule, however often a worker starts.
      const ours = [];
      for await (const summary of stack.client.schedule.list()) if (summary.scheduleId === scheduleId) ours.push(summary);
      expect(ours.length).toBeLessThanOrEqual(1);
    } finally {
      expect(await ensureDeliveryReconciliationSchedule(stack.client, { ...options, intervalSeconds: 0 })).toBe('deleted');
    }
    expect(await ensureDeliveryReconciliationSchedule(stack.client, { ...options, intervalSeconds: 0 })).toBe('disabled');
  });

  it('is scheduled by the worker when it starts, on the worker\'s task queue', async () => {
    const taskQueue = `test-${randomBytes(4).toString('hex')}`;
    const stop = new AbortController();
    let running!: () => void;
    const started = new Promise<void>((resolve) => (running = resolve));
    const supervised = superviseConversationWorker({
      temporal: { address: inject('temporalAddress') },
      namespace: 'default',
      taskQueue,
      db: stack.db,
      twilio: { accountSid: stack.accountSid, authToken: stack.authToken, phoneNumber: BUSINESS_NUMBER, apiBaseUrl: stack.emulator.url },
      statusCallbackUrl: stack.statusUrl,
      settings: { autoReplyLimit: 3, autoReplyWindowSeconds: 600, closedLingerSeconds: 3600 },
      log,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      signal: stop.signal,
      onRunning: () => running(),
      deliveryReconciliation: { intervalSeconds: 240, afterSeconds: 900, batchSize: 50 },
    });
    const handle = stack.client.schedule.getHandle(DELIVERY_RECONCILIATION_SCHEDULE_ID);
    try {
      await Promise.race([started, supervised]);
      const described = await handle.describe();
      expect(described.spec.intervals).toMatchObject([{ every: 240_000 }]);
      expect(described.action).toMatchObject({ workflowType: 'reconcileDeliveriesWorkflow', taskQueue, args: [{ olderThanSeconds: 900, limit: 50 }] });
    } finally {
      stop.abort();
      await supervised;
      await handle.delete().catch(() => undefined);
    }
  });
});
