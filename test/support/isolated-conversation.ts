// The harness of the isolated workflow tests: a Temporal dev server (TestWorkflowEnvironment),
// conversations on their own task queues with workers running the real workflow code against
// typed fake activities (fake-activities.ts), and small waiting helpers.
import { randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { findTemporalCli } from '../../src/infra/temporal-cli.ts';
import { CONVERSATION_WORKFLOW_TYPE, inboundMessageSignal, stateQuery, statusCallbackSignal } from '../../src/shared/conversation-definitions.ts';
import type { InboundSms } from '../../src/shared/conversation-types.ts';
import { CONVERSATION_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes.ts';
import type { conversationWorkflow } from '../../src/workflows/conversation.ts';
import { FakeConversationStore } from './fake-activities.ts';
import { waitFor } from './wait-for.ts';

export const BUSINESS = '+15005550006';

/** A Temporal dev server for isolated workflow tests, with our search attributes. */
export async function startIsolatedEnvironment(options: { suggestContinueAsNewAfter?: number } = {}): Promise<TestWorkflowEnvironment> {
  const cli = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
  const extraArgs = options.suggestContinueAsNewAfter
    ? ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${options.suggestContinueAsNewAfter}`]
    : [];
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' },
      ip: '127.0.0.1',
      searchAttributes: CONVERSATION_SEARCH_ATTRIBUTES,
      extraArgs,
    },
  });
}

export function sid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

export function customer(): string {
  return `+1555${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;
}

export interface Conversation {
  store: FakeConversationStore;
  handle: WorkflowHandle<typeof conversationWorkflow>;
  text(body: string, messageSid?: string): Promise<string>;
  /** A status callback for this conversation's numbers. */
  callback(report: { messageSid: string; status: string }): Promise<void>;
  /** Starts a worker on the conversation's queue (one is started unless told otherwise). */
  startWorker(store?: FakeConversationStore, options?: { shutdownForceTime?: string }): Promise<Worker>;
  stop(): Promise<void>;
}

export type StartConversation = (store?: FakeConversationStore, options?: { worker?: boolean }) => Promise<Conversation>;

/** Conversations on `env`, each with its own task queue and (unless told otherwise) a worker. */
export function conversationsOn(env: TestWorkflowEnvironment): StartConversation {
  return (store, options) => conversation(env, store, options);
}

async function conversation(env: TestWorkflowEnvironment, store = new FakeConversationStore(), options: { worker?: boolean } = {}): Promise<Conversation> {
  const taskQueue = `isolated-${randomBytes(4).toString('hex')}`;
  const customerNumber = customer();
  const workflowId = `sms-conversation:${BUSINESS}:${customerNumber}`;
  const running: { worker: Worker; run: Promise<void> }[] = [];

  async function startWorker(withStore = store, workerOptions: { shutdownForceTime?: string } = {}): Promise<Worker> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: withStore.activities(),
      ...workerOptions,
    });
    const run = worker.run();
    // A worker made to die mid-task ends with an error of its own; that is the point, not a failure.
    run.catch(() => undefined);
    running.push({ worker, run });
    return worker;
  }
  if (options.worker !== false) await startWorker();

  const handle = env.client.workflow.getHandle<typeof conversationWorkflow>(workflowId);
  return {
    store,
    handle,
    startWorker,
    async text(body, messageSid = sid()) {
      const sms: InboundSms = { messageSid, from: customerNumber, to: BUSINESS, body, numSegments: 1, media: [], receivedAt: new Date().toISOString() };
      await env.client.workflow.signalWithStart(CONVERSATION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [{ businessNumber: BUSINESS, customerNumber }],
        signal: inboundMessageSignal,
        signalArgs: [sms],
        // A lost workflow task is noticed after 2 s instead of 10 s.
        workflowTaskTimeout: '2 seconds',
      });
      return messageSid;
    },
    async callback(report) {
      await env.client.workflow.signalWithStart(CONVERSATION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [{ businessNumber: BUSINESS, customerNumber }],
        signal: statusCallbackSignal,
        signalArgs: [{ callbackId: `callback-${randomBytes(4).toString('hex')}`, ...report, receivedAt: new Date().toISOString(), payload: {} }],
      });
    },
    async stop() {
      await handle.terminate('test finished').catch(() => undefined);
      for (const { worker, run } of running) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
      }
    },
  };
}

/** A promise a test opens when it wants a held activity to go on. */
export function gate(): { wait: Promise<void>; open(): void } {
  let open = () => undefined as void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

export async function settled(handle: WorkflowHandle): Promise<void> {
  await waitFor('the conversation to finish its work', async () => (await handle.query(stateQuery)).pendingWork === 0, 30_000);
}

