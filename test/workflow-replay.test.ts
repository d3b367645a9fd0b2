// Replay safety: every recorded history (test/histories/<label>/*.json — runs that may be in
// flight when a new version is deployed) must replay against the current workflow code without
// a determinism error. A change that cannot is gated with patched() (docs/workflow-versioning.md).
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadHistoryFiles, type HistoryFile } from './support/history-json.ts';
import { describeFailures, replayHistories } from './support/history-replay.ts';

/** The first recorded set: shapes recorded from the code as it ran before replay testing began. */
const REQUIRED = [
  'v1/first-text-auto-reply.json',
  'v1/agent-conversation.json',
  'v1/agent-starts-conversation.json',
  'v1/opt-out-opt-in.json',
  'v1/continue-as-new.run1.json',
  'v1/continue-as-new.run2.json',
  'v1/reopen.run1.json',
  'v1/reopen.run2.json',
  'v2/delivery-reconciliation.json',
  // The conversation's clocks: SLA breach, scheduled sends, auto-close (conversation-timers-v1).
  'v3/clocks.json',
  // A send's local first attempt (local-first-send-v1), and the retried path with a signalled failure.
  'v4/first-text-auto-reply.json',
  'v4/send-retried-undelivered.json',
  // Automatic messages recorded by their send (automatic-send-records-itself-v1), incl. an opt-out's confirmation.
  'v5/first-text-auto-reply.json',
  'v5/opt-out-opt-in.json',
  'v5/send-retried-undelivered.json',
];

const ALTERED_WORKFLOW = fileURLToPath(new URL('./fixtures/altered-conversation-workflow.ts', import.meta.url));

let files: HistoryFile[];

beforeAll(async () => {
  // The negative case below makes the replay worker log (at WARN) every determinism error it finds.
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Another file in this process installed it already.
  }
  files = await loadHistoryFiles();
});

describe('recorded workflow histories', () => {
  it('include every recorded shape', () => {
    expect(files.map((file) => file.name)).toEqual(expect.arrayContaining(REQUIRED));
  });

  it('all replay against the current workflow code', async () => {
    const failures = await replayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, files);
    if (failures.length > 0) expect.fail(describeFailures(failures, files.length));
  });

  it('fail with a determinism error, named by file, against a workflow that does something else', async () => {
    // The fixture stands in for the conversation workflow only (its other workflows, such as the
    // delivery reconciliation, would fail as unknown types rather than as changed ones).
    const conversations = files.filter((file) => file.workflowId.startsWith('sms-conversation:'));
    const bundle = await bundleWorkflowCode({ workflowsPath: ALTERED_WORKFLOW, logger: new DefaultLogger('WARN') });
    const failures = await replayHistories({ workflowBundle: bundle }, conversations);
    expect(failures.map((failure) => failure.name)).toEqual(conversations.map((file) => file.name));
    for (const failure of failures) expect(failure.error.name).toBe('DeterminismViolationError');
    const report = describeFailures(failures, conversations.length);
    expect(report).toContain(`v1/first-text-auto-reply.json: DeterminismViolationError: `);
  });
});
