// Records the conversation workflow's main shapes as Temporal histories, by driving a real stack
// the way production does: customers text in through the Twilio emulator (signed webhooks),
// agents act through the REST API (workflow updates), Twilio's status callbacks come back signed.
// Every run of every shape is saved to test/histories/<label>/ with a manifest and a README;
// test/workflow-replay.test.ts replays them all against the current workflow code.
//
// Run by `npm run histories:record -- --label <label>` (scripts/record-histories.ts), never by
// `npm test`: this file is not a *.test.ts and has its own vitest configuration and Temporal
// server (global-setup.ts here), which suggests continue-as-new after a small number of events.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stateQuery } from '../../../src/shared/conversation-definitions.ts';
import { createTestAgent, type TestAgent } from '../agents.ts';
import {
  attributesOf,
  decodePayloads,
  eventTypeName,
  HISTORIES_DIR,
  MANIFEST_FILE,
  runEnding,
  type JsonHistory,
  type Manifest,
  type ManifestEntry,
} from '../history-json.ts';
import { historyToJson } from '../history-proto-json.ts';
import { requestJson, type JsonResponse } from '../http.ts';
import type { ConversationSettings } from '../../../src/shared/conversation-types.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid, startTestStack, type TestStack } from '../stack.ts';
import { waitFor } from '../wait-for.ts';

const REPO_ROOT = path.resolve(HISTORIES_DIR, '..', '..');
const LABEL = process.env.HISTORY_LABEL ?? '';
const OUT_DIR = process.env.HISTORY_OUT_DIR ? path.resolve(process.env.HISTORY_OUT_DIR) : path.join(HISTORIES_DIR, LABEL);
/** A closed conversation's workflow finishes after this long here (an hour in production). */
const CLOSED_LINGER_SECONDS = 3;
const FINAL_STATUSES = new Set(['delivered', 'undelivered', 'failed', 'canceled', 'read']);

interface Shape {
  name: string;
  /** What each run of the shape is, in order; the README and the manifest say it. */
  runs: string[];
  /** Plays the conversation; resolves with the customer's number once everything has settled. */
  drive(): Promise<string>;
  /** The workflow id of what drive() resolved with (default: the customer's conversation). */
  workflowIdOf?(driven: string): string;
  /** Proves the recorded runs are the shape they claim to be. */
  check?(histories: JsonHistory[], driven: DrivenFacts): void;
  /** Worker settings of a stack of its own (its clocks would change the other shapes' runs). */
  settings?: Partial<ConversationSettings>;
}

/** What a shape's drive() noted for its check. */
type DrivenFacts = Record<string, unknown>;

let stack: TestStack;
let alice: TestAgent;
let suggestAfter: number;
const recorded: { entry: ManifestEntry; json: string }[] = [];
const facts: DrivenFacts = {};

beforeAll(async () => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(LABEL)) throw new Error('Set HISTORY_LABEL (e.g. v2): npm run histories:record -- --label v2');
  const existing = await readdir(OUT_DIR).catch(() => []);
  if (existing.some((file) => file.endsWith('.json')) && process.env.HISTORY_OVERWRITE !== '1') {
    throw new Error(`${path.relative(REPO_ROOT, OUT_DIR)} already holds histories; recorded sets are never re-recorded (pick a new label, or --force)`);
  }
  suggestAfter = inject('suggestContinueAsNewAfterEvents');
  stack = await startTestStack({ closedLingerSeconds: CLOSED_LINGER_SECONDS });
  alice = await createTestAgent(stack.db, 'agent', 'Alice');
});

afterAll(async () => {
  await stack?.stop();
  if (recorded.length > 0 && recorded.length === expectedFiles()) await writeSet();
  else if (recorded.length > 0) console.error(`Not writing ${path.relative(REPO_ROOT, OUT_DIR)}: not every shape was recorded.`);
});

// --- driving the stack ------------------------------------------------------------------------

function workflowIdOf(customer: string): string {
  return stack.workflowId(customer);
}

function handleOf(customer: string) {
  return stack.client.workflow.getHandle(workflowIdOf(customer));
}

function asAlice(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', urlPath: string, body?: unknown): Promise<JsonResponse> {
  const withBody = method === 'POST' || method === 'PATCH';
  return requestJson(stack.baseUrl, method, urlPath, { token: alice.token, body: withBody ? (body ?? {}) : undefined });
}

async function expectStatus(response: Promise<JsonResponse> | JsonResponse, status: number, what: string): Promise<JsonResponse> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

/**
 * Waits until the conversation has nothing left to do: every message sent to the customer has
 * reached a final status (so its callbacks were answered), the workflow has no queued work and
 * no activity in flight, and its history has not grown for a moment.
 */
async function quiet(customer: string, stableMs = 750): Promise<void> {
  await waitFor(`messages to ${customer} to reach a final status`, () =>
    stack.emulator.messages().filter((message) => message.to === customer).every((message) => FINAL_STATUSES.has(message.status)),
  );
  let lastLength = -1;
  let stableSince = 0;
  await waitFor(
    `the workflow of ${customer} to go quiet`,
    async () => {
      const handle = handleOf(customer);
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') {
        if ((description.raw.pendingActivities?.length ?? 0) > 0) return false;
        if ((await handle.query(stateQuery)).pendingWork > 0) return false;
      }
      if (description.historyLength !== lastLength) {
        lastLength = description.historyLength;
        stableSince = Date.now();
      }
      return Date.now() - stableSince >= stableMs;
    },
    30_000,
    100,
  );
}

async function sendText(customer: string, body: string, messageSid?: string): Promise<string> {
  const answer = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body, messageSid });
  if (answer.status !== 200) throw new Error(`the inbound webhook answered ${answer.status}: ${answer.body}`);
  return answer.messageSid;
}

/** The customer texts in; resolves once the conversation is quiet again. */
async function textIn(customer: string, body: string, options: { messageSid?: string; stableMs?: number } = {}): Promise<string> {
  const sid = await sendText(customer, body, options.messageSid);
  await quiet(customer, options.stableMs);
  return sid;
}

async function conversationIdOf(customer: string): Promise<string> {
  const conversation = await waitFor('the stored conversation', () =>
    stack.db.conversation.findUnique({ where: { businessNumber_customerNumber: { businessNumber: BUSINESS_NUMBER, customerNumber: customer } } }),
  );
  return conversation!.id;
}

async function completed(customer: string): Promise<void> {
  await waitFor(
    `the workflow of ${customer} to complete`,
    async () => (await handleOf(customer).describe()).status.name === 'COMPLETED',
    CLOSED_LINGER_SECONDS * 1000 + 15_000,
  );
}

async function historyOf(customer: string, runId?: string): Promise<JsonHistory> {
  return JSON.parse(historyToJson(await stack.client.workflow.getHandle(workflowIdOf(customer), runId).fetchHistory())) as JsonHistory;
}

// --- saving -------------------------------------------------------------------------------------

async function runsOf(workflowId: string, expected: number): Promise<{ runId: string; startTime: Date }[]> {
  return waitFor(
    `${expected} run(s) of ${workflowId} to be listed`,
    async () => {
      const runs: { runId: string; startTime: Date }[] = [];
      for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution);
      return runs.length >= expected ? runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()) : undefined;
    },
    30_000,
    200,
  );
}

async function record(shape: Shape, driven: string): Promise<void> {
  const workflowId = shape.workflowIdOf?.(driven) ?? workflowIdOf(driven);
  const runs = await runsOf(workflowId, shape.runs.length);
  const histories: JsonHistory[] = [];
  for (const [index, run] of runs.entries()) {
    const json = historyToJson(await stack.client.workflow.getHandle(workflowId, run.runId).fetchHistory());
    const history = JSON.parse(json) as JsonHistory;
    histories.push(history);
    const file = runs.length === 1 ? `${shape.name}.json` : `${shape.name}.run${index + 1}.json`;
    recorded.push({
      json,
      entry: {
        file,
        shape: shape.name,
        run: index + 1,
        runs: runs.length,
        description: shape.runs[index] ?? 'an extra run the shape was not expected to make',
        workflowId,
        runId: run.runId,
        events: history.events.length,
        ending: runEnding(history),
      },
    });
  }
  if (runs.length !== shape.runs.length) throw new Error(`${shape.name}: expected ${shape.runs.length} run(s), found ${runs.length}`);
  shape.check?.(histories, facts);
}

function expectedFiles(): number {
  return SHAPES.reduce((sum, shape) => sum + shape.runs.length, 0);
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

async function writeSet(): Promise<void> {
  const sdk = JSON.parse(await readFile(path.join(REPO_ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8')) as { version: string };
  const manifest: Manifest = {
    label: LABEL,
    commit: git('rev-parse', 'HEAD'),
    commitSubject: git('log', '-1', '--format=%s'),
    // Not trimmed: the first line's status column can start with a space (" M README.md").
    uncommittedChanges: execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean),
    recordedAt: new Date().toISOString(),
    temporalSdk: sdk.version,
    suggestContinueAsNewAfterEvents: suggestAfter,
    histories: recorded.map(({ entry }) => entry),
  };
  await mkdir(OUT_DIR, { recursive: true });
  for (const { entry, json } of recorded) await writeFile(path.join(OUT_DIR, entry.file), json + '\n');
  await writeFile(path.join(OUT_DIR, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  await writeFile(path.join(OUT_DIR, 'README.md'), readme(manifest));
  console.log(`Wrote ${recorded.length} histories to ${path.relative(REPO_ROOT, OUT_DIR)}`);
}

function readme(manifest: Manifest): string {
  const rows = manifest.histories.map(
    (entry) => `| \`${entry.file}\` | ${entry.shape} | ${entry.run} of ${entry.runs} | ${entry.events} | ${entry.ending} | ${entry.description} |`,
  );
  const dirty = manifest.uncommittedChanges.length
    ? `\n**Recorded with uncommitted changes** to: ${manifest.uncommittedChanges.map((line) => `\`${line.slice(3)}\``).join(', ')}.\n`
    : '';
  return `# Workflow histories \`${manifest.label}\`

Recorded from commit \`${manifest.commit}\` ("${manifest.commitSubject}") on ${manifest.recordedAt.slice(0, 10)},
Temporal TypeScript SDK ${manifest.temporalSdk}, by \`npm run histories:record -- --label ${manifest.label}\`: a real
stack (PostgreSQL, a Temporal dev server, the worker, the API, the Twilio emulator) driven the way
production is — signed webhooks from the emulator, agent actions through the REST API. The
recorder's Temporal server suggested continue-as-new after ${manifest.suggestContinueAsNewAfterEvents} events; a closed
conversation's run finished after ${CLOSED_LINGER_SECONDS} s instead of an hour.
${dirty}
| file | shape | run | events | ends | what it is |
|---|---|---|---|---|---|
${rows.join('\n')}

\`${MANIFEST_FILE}\` holds the same facts, with each run's workflow id (the replay passes it on).

\`test/workflow-replay.test.ts\` replays every file here against the current workflow code on
every \`npm test\`; a change that cannot replay them fails CI. These files stand for runs that
may still be in flight: never edit or re-record them. When the workflow changes, record a new
set under a new label (\`npm run histories:record -- --label v2\`) and keep this one until no run
recorded this way can exist. See [docs/workflow-versioning.md](../../../docs/workflow-versioning.md).
`;
}

// --- the shapes -----------------------------------------------------------------------------------

const SHAPES: Shape[] = [
  {
    name: 'first-text-auto-reply',
    runs: ['A new customer texts "documents": stored, auto-replied, delivery callbacks recorded; then Twilio redelivers the same webhook (same MessageSid), which is ignored. Still running.'],
    async drive() {
      const customer = newCustomerNumber();
      const sid = newMessageSid();
      await textIn(customer, 'documents', { messageSid: sid });
      await textIn(customer, 'documents', { messageSid: sid });
      expect(stack.emulator.messages().filter((message) => message.to === customer)).toHaveLength(1);
      return customer;
    },
    check([run]) {
      expect(runEnding(run!)).toBe('running');
    },
  },
  {
    name: 'agent-conversation',
    runs: ['A text no rule answers flags the conversation; an agent assigns it to herself, replies, the customer answers, she replies again and closes it; the closed run finishes after the linger period.'],
    async drive() {
      const customer = newCustomerNumber();
      await textIn(customer, 'Hi, I have a question about my bill');
      const id = await conversationIdOf(customer);
      await expectStatus(asAlice('POST', `/api/conversations/${id}/assign`), 200, 'assign');
      await expectStatus(asAlice('POST', `/api/conversations/${id}/messages`, { body: 'Hi, this is Alice. Happy to help, what is the question?' }), 201, 'reply');
      await quiet(customer);
      await textIn(customer, 'Why was I charged twice this month?');
      await expectStatus(asAlice('POST', `/api/conversations/${id}/messages`, { body: 'The second charge is a hold that drops off in 3 days.' }), 201, 'reply');
      await quiet(customer);
      await expectStatus(asAlice('POST', `/api/conversations/${id}/close`, { reason: 'answered' }), 200, 'close');
      await completed(customer);
      return customer;
    },
    check([run]) {
      expect(runEnding(run!)).toBe('completed');
    },
  },
  {
    name: 'agent-starts-conversation',
    runs: ['An agent texts a customer first (POST /api/conversations: the send starts the workflow, update-with-start, and the agent takes it); the customer answers. Still running.'],
    async drive() {
      const customer = newCustomerNumber();
      const body = 'Hello from Example Co: your appointment is confirmed for Tuesday at 10:00.';
      await expectStatus(asAlice('POST', '/api/conversations', { customerNumber: customer, body }), 201, 'start a conversation');
      await quiet(customer);
      await textIn(customer, 'Thanks, see you then');
      return customer;
    },
  },
  {
    name: 'opt-out-opt-in',
    runs: ['The customer texts, then STOP (opted out, one confirmation); an agent reply is refused; START opts back in (confirmation); "documents" is auto-replied again. Still running.'],
    async drive() {
      const customer = newCustomerNumber();
      await textIn(customer, 'Hello, who is this?');
      await textIn(customer, 'STOP');
      const id = await conversationIdOf(customer);
      await expectStatus(asAlice('POST', `/api/conversations/${id}/messages`, { body: 'Are you sure?' }), 409, 'reply to an opted-out customer');
      await textIn(customer, 'START');
      await textIn(customer, 'documents');
      expect(stack.emulator.messages().filter((message) => message.to === customer)).toHaveLength(3);
      return customer;
    },
  },
  {
    name: 'continue-as-new',
    runs: [
      'Texts until the history nears the continue-as-new threshold; then an agent reply whose send Twilio refuses with 503 three times (retried for ~7 s), during which 5 texts, an assign update and 5 more texts arrive and continue-as-new is suggested. The run serves the reply, the first texts and the pending assign, then continues as new carrying the last texts and the reply\'s status callbacks.',
      'The run that started from it: it processes the carried texts and callbacks. Still running.',
    ],
    async drive() {
      const customer = newCustomerNumber();
      await textIn(customer, 'Hi, I need to change my address');
      const id = await conversationIdOf(customer);
      const handle = handleOf(customer);
      const firstRunId = (await handle.describe()).runId;
      // Bring the history to just under the threshold: each text adds a handful of events, the
      // reply's start (update accepted, activity scheduled) a few more, and the texts sent while
      // the reply is stuck take it over the line.
      for (let index = 1; ; index++) {
        const length = (await handle.describe()).historyLength;
        if (length >= suggestAfter - 20) break;
        if (index > 200) throw new Error('the history does not grow');
        await textIn(customer, `More details, part ${index}`, { stableMs: 0 });
      }
      const before = await handle.describe();
      if (before.runId !== firstRunId || before.historyLength >= suggestAfter) throw new Error('continue-as-new was suggested too early');

      stack.emulator.failNextSends(3, 503);
      const reply = asAlice('POST', `/api/conversations/${id}/messages`, { body: 'Thanks, I have updated your address.' });
      await waitFor('the reply to be sending', async () => ((await handle.describe()).raw.pendingActivities?.length ?? 0) > 0);
      for (let index = 1; index <= 5; index++) await sendText(customer, `Early text ${index}`);
      const assign = asAlice('POST', `/api/conversations/${id}/assign`);
      await waitFor('the assign update to be accepted', async () =>
        (await historyOf(customer, firstRunId)).events.some(
          (event) => eventTypeName(event) === 'WorkflowExecutionUpdateAccepted' && attributesOf(event).acceptedRequest?.input?.name === 'assign',
        ),
      );
      const lateSids: string[] = [];
      for (let index = 1; index <= 5; index++) lateSids.push(await sendText(customer, `Late text ${index}`));
      await expectStatus(reply, 201, 'the delayed reply');
      await expectStatus(assign, 200, 'assign');
      await waitFor('a continue-as-new', async () => (await handle.describe()).runId !== firstRunId, 30_000);
      await quiet(customer);
      facts.lateSids = lateSids;
      return customer;
    },
    check([ended, next], driven) {
      const events = ended!.events;
      expect(runEnding(ended!)).toBe('continued-as-new');
      expect(runEnding(next!)).toBe('running');
      const suggestedAt = events.findIndex(
        (event) => eventTypeName(event) === 'WorkflowTaskStarted' && attributesOf(event).suggestContinueAsNew === true,
      );
      expect(suggestedAt, 'continue-as-new was never suggested').toBeGreaterThan(0);
      // An update accepted before the suggestion or after it, completed after it: pending when
      // continue-as-new was suggested.
      const completedAt = new Map<string, number>();
      events.forEach((event, index) => {
        if (eventTypeName(event) === 'WorkflowExecutionUpdateCompleted') completedAt.set(attributesOf(event).meta?.updateId, index);
      });
      const pendingUpdates = events.filter((event, index) => {
        if (eventTypeName(event) !== 'WorkflowExecutionUpdateAccepted') return false;
        const done = completedAt.get(attributesOf(event).acceptedRequest?.meta?.updateId);
        return done !== undefined && done > suggestedAt && index < done;
      });
      expect(pendingUpdates.length, 'no update was pending when continue-as-new was suggested').toBeGreaterThanOrEqual(2);
      // The texts sent last were still queued: they travel in the next run's input.
      const carried = JSON.stringify(decodePayloads(attributesOf(events.at(-1)!).input));
      const lateSids = driven.lateSids as string[];
      expect(lateSids.filter((sid) => carried.includes(sid)).length, 'no queued text was carried into the next run').toBeGreaterThan(0);
    },
  },
  {
    name: 'reopen',
    runs: [
      'A text auto-replied and flagged; an agent closes the conversation and reopens it (the linger timer is cancelled), the customer texts again, the agent closes it again and the run finishes after the linger period.',
      'The customer texts the closed conversation whose workflow has finished: a new run loads it from the database, the text reopens it and is auto-replied. Still running.',
    ],
    async drive() {
      const customer = newCustomerNumber();
      await textIn(customer, 'status');
      const id = await conversationIdOf(customer);
      await expectStatus(asAlice('POST', `/api/conversations/${id}/close`, { reason: 'resolved' }), 200, 'close');
      await expectStatus(asAlice('POST', `/api/conversations/${id}/reopen`), 200, 'reopen');
      await quiet(customer);
      await textIn(customer, 'One more thing about my order');
      await expectStatus(asAlice('POST', `/api/conversations/${id}/close`, { reason: 'resolved' }), 200, 'close again');
      await completed(customer);
      await textIn(customer, 'documents');
      expect((await handleOf(customer).describe()).status.name).toBe('RUNNING');
      return customer;
    },
    check([closed, reopened]) {
      expect(runEnding(closed!)).toBe('completed');
      expect(runEnding(reopened!)).toBe('running');
    },
  },
  {
    name: 'clocks',
    settings: { sla: { firstReplySeconds: 2, followUpSeconds: 600 }, autoCloseSeconds: 8, scheduleHorizonSeconds: 3600 },
    runs: [
      'A text no rule answers waits past its 2 s response-time target and is escalated; Alice takes it, schedules a message for 2 s later, edits it, schedules another and cancels it; the first leaves when due; she replies (the wait ends); the conversation, quiet for 8 s and needing nobody, closes itself and the run finishes after the linger period.',
    ],
    async drive() {
      const customer = newCustomerNumber();
      await textIn(customer, 'Where is my parcel?');
      const id = await conversationIdOf(customer);
      await waitFor('the wait to be escalated', async () => (await handleOf(customer).query(stateQuery)).timers?.sla.breached);
      await expectStatus(asAlice('POST', `/api/conversations/${id}/assign`), 200, 'assign');
      const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
      const first = await asAlice('POST', `/api/conversations/${id}/messages`, { body: 'Tracking number follows', sendAt: inSeconds(60) });
      expect(first.status).toBe(201);
      await expectStatus(asAlice('PATCH', `/api/conversations/${id}/messages/${first.body.id}`, { body: 'Your tracking number is 1Z999', sendAt: inSeconds(2) }), 200, 'edit');
      const second = await asAlice('POST', `/api/conversations/${id}/messages`, { body: 'Never mind', sendAt: inSeconds(60) });
      expect(second.status).toBe(201);
      await expectStatus(asAlice('DELETE', `/api/conversations/${id}/messages/${second.body.id}`), 204, 'cancel');
      await waitFor('the scheduled message to leave', () => stack.emulator.messages().some((message) => message.to === customer && message.body === 'Your tracking number is 1Z999'));
      await expectStatus(asAlice('POST', `/api/conversations/${id}/messages`, { body: 'Sorry for the wait!' }), 201, 'reply');
      await waitFor('the conversation to close itself', async () => (await stack.db.conversation.findUniqueOrThrow({ where: { id } })).status === 'closed', 30_000);
      await completed(customer);
      return customer;
    },
    check([run]) {
      expect(runEnding(run!)).toBe('completed');
      const fired = run!.events.filter((event) => eventTypeName(event) === 'TimerFired');
      expect(fired.length, 'no timer fired').toBeGreaterThanOrEqual(3);
    },
  },
  {
    // From v4 (local-first-send-v1): the usual send is one local activity; this is the other path.
    name: 'send-retried-undelivered',
    runs: [
      "A text answered by a rule whose first send attempt (a local activity) meets Twilio's 503, so the send is retried as a normal activity and accepted; the reply is then undelivered, and that status callback (recorded by the webhook) is signalled to the workflow, which stamps LastDeliveryFailure. Still running.",
    ],
    async drive() {
      const customer = newCustomerNumber();
      stack.emulator.setDeliveryOutcome(customer, 'undelivered');
      stack.emulator.failNextSends(1, 503);
      await textIn(customer, 'documents');
      return customer;
    },
    check([run]) {
      expect(runEnding(run!)).toBe('running');
      const scheduled = run!.events.filter((event) => eventTypeName(event) === 'ActivityTaskScheduled');
      expect(scheduled, 'the send was not retried as an activity').toHaveLength(1);
      const signals = run!.events.filter((event) => eventTypeName(event) === 'WorkflowExecutionSignaled').map((event) => JSON.stringify(event));
      expect(signals.filter((signal) => signal.includes('statusCallback')), 'the undelivered callback was not signalled').toHaveLength(1);
    },
  },
  {
    name: 'delivery-reconciliation',
    runs: [
      'The scheduled reconciliation: one reply whose status callbacks were lost is settled to delivered from Twilio; the run completes with its summary.',
    ],
    async drive() {
      const customer = newCustomerNumber();
      stack.emulator.dropStatusCallbacks(customer);
      await textIn(customer, 'documents');
      const workflowId = `history-reconciliation-${newMessageSid().slice(2, 10)}`;
      const summary = await stack.client.workflow.execute('reconcileDeliveriesWorkflow', {
        taskQueue: stack.taskQueue,
        workflowId,
        args: [{ olderThanSeconds: 0, limit: 10 }],
      });
      facts.reconciliation = summary;
      return workflowId;
    },
    workflowIdOf: (workflowId) => workflowId,
    check([run]) {
      expect(runEnding(run!)).toBe('completed');
      expect(facts.reconciliation).toMatchObject({ settled: 1, failed: 0 });
    },
  },
];

describe(`recording workflow histories (${LABEL || 'no label'})`, () => {
  for (const shape of SHAPES) {
    it(shape.name, async () => {
      if (!shape.settings) {
        await record(shape, await shape.drive());
        return;
      }
      const shared = { stack, alice };
      stack = await startTestStack({ closedLingerSeconds: CLOSED_LINGER_SECONDS, ...shape.settings });
      try {
        alice = await createTestAgent(stack.db, 'agent', 'Alice');
        await record(shape, await shape.drive());
      } finally {
        await stack.stop();
        ({ stack, alice } = shared);
      }
    }, 120_000);
  }
});
