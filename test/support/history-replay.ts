// Replays recorded workflow histories against a workflow bundle and reports the ones that fail,
// each named by its file (test/histories/<label>/<file>) with the SDK's error.
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import type { HistoryFile } from './history-json.ts';
import { historyFromJson } from './history-proto-json.ts';

export interface ReplayFailure {
  name: string;
  /** DeterminismViolationError when the code issues different commands than the history holds. */
  error: Error;
}

export async function replayHistories(options: ReplayWorkerOptions, files: HistoryFile[]): Promise<ReplayFailure[]> {
  // Converted here rather than by the SDK, whose JSON reader breaks on a duplicated protobufjs
  // install (see history-proto-json.ts).
  const histories = files.map((file) => ({ workflowId: file.workflowId, history: historyFromJson(file.history) }));
  const failures: ReplayFailure[] = [];
  let index = 0;
  for await (const result of Worker.runReplayHistories({ replayName: 'recorded-histories', ...options }, histories)) {
    const file = files[index++]!;
    if (result.error) failures.push({ name: file.name, error: result.error });
  }
  if (index !== files.length) throw new Error(`The replay worker answered for ${index} of ${files.length} histories`);
  return failures;
}

export function describeFailures(failures: ReplayFailure[], total: number): string {
  const lines = failures.map((failure) => `  ${failure.name}: ${failure.error.name}: ${failure.error.message}`);
  return `${failures.length} of ${total} recorded histories do not replay against the current workflow code:\n${lines.join('\n')}\n` +
    'Runs in flight have these histories: gate the change with patched() (docs/workflow-versioning.md).';
}
