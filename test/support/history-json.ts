// Recorded workflow histories (test/histories/<label>/*.json) as the recorder writes them and the
// replay test reads them: Temporal's JSON history format (`historyToJSON`, the same as
// `temporal workflow show --output json`), with a manifest per set naming each run's workflow id.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HISTORIES_DIR = fileURLToPath(new URL('../histories', import.meta.url));
export const MANIFEST_FILE = 'manifest.json';

export interface JsonEvent {
  eventId: string;
  eventType: string;
  [key: string]: unknown;
}

export interface JsonHistory {
  events: JsonEvent[];
}

export interface ManifestEntry {
  /** File name inside the set's folder. */
  file: string;
  shape: string;
  /** 1-based position of the run among the shape's runs, and how many runs the shape made. */
  run: number;
  runs: number;
  description: string;
  workflowId: string;
  runId: string;
  events: number;
  /** How the recorded part of the run ends: completed, continued-as-new, running, … */
  ending: string;
}

export interface Manifest {
  label: string;
  commit: string;
  commitSubject: string;
  /** Tracked files that differed from the commit when the set was recorded (should be empty). */
  uncommittedChanges: string[];
  recordedAt: string;
  temporalSdk: string;
  suggestContinueAsNewAfterEvents: number;
  histories: ManifestEntry[];
}

export interface HistoryFile {
  /** Path relative to test/histories, e.g. `v1/reopen.run1.json`: what failures name. */
  name: string;
  path: string;
  /** The workflow id the run had (from the manifest), which the workflow code may read. */
  workflowId: string;
  history: JsonHistory;
}

/** `EVENT_TYPE_WORKFLOW_TASK_STARTED` (or the older `WorkflowTaskStarted`) → `WorkflowTaskStarted`. */
export function eventTypeName(event: JsonEvent): string {
  if (!event.eventType.startsWith('EVENT_TYPE_')) return event.eventType;
  return event.eventType
    .slice('EVENT_TYPE_'.length)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}

/** The event's `…EventAttributes` object. */
export function attributesOf(event: JsonEvent): Record<string, any> {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes'));
  return (key ? event[key] : {}) as Record<string, any>;
}

/** Decodes `json/plain` payloads (base64 in the JSON form). */
export function decodePayloads(payloads: { payloads?: { data?: string }[] } | undefined): unknown[] {
  return (payloads?.payloads ?? []).map((payload) => (payload.data ? JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) : undefined));
}

export function runEnding(history: JsonHistory): string {
  const last = history.events.at(-1);
  if (!last) return 'empty';
  const type = eventTypeName(last);
  const ends: Record<string, string> = {
    WorkflowExecutionCompleted: 'completed',
    WorkflowExecutionContinuedAsNew: 'continued-as-new',
    WorkflowExecutionFailed: 'failed',
    WorkflowExecutionTerminated: 'terminated',
    WorkflowExecutionCanceled: 'canceled',
    WorkflowExecutionTimedOut: 'timed-out',
  };
  return ends[type] ?? 'running';
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Every recorded history under `root` (each set's folder), sorted by name. */
export async function loadHistoryFiles(root = HISTORIES_DIR): Promise<HistoryFile[]> {
  const files: HistoryFile[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json') || entry.name === MANIFEST_FILE) continue;
    const file = path.join(entry.parentPath, entry.name);
    const history = await readJson<JsonHistory>(file);
    if (!Array.isArray(history.events)) throw new Error(`${path.relative(root, file)} is not a workflow history (no "events" array)`);
    const manifestFile = path.join(entry.parentPath, MANIFEST_FILE);
    const manifest = await readJson<Manifest>(manifestFile).catch(() => undefined);
    const workflowId = manifest?.histories.find((recorded) => recorded.file === entry.name)?.workflowId;
    files.push({ name: path.relative(root, file), path: file, workflowId: workflowId ?? `replay:${entry.name}`, history });
  }
  return files.sort((a, b) => a.name.localeCompare(b.name));
}
