// The faults, spread evenly over the load and applied one after another (each waits for the
// previous one's recovery): SIGKILL of the worker while it is processing, SIGKILL of the
// Temporal server with a restart on the same port and SQLite file after a pause, SIGKILL of the
// API with an immediate restart. Worker kills alternate between two moments: right after the
// worker committed a customer's text that calls for a reply (before the workflow task that
// stored it could complete), and a random moment (an activity in flight, a replay, a send).
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultStack } from './fault-stack.ts';
import type { FaultOptions } from './options.ts';
import { KEYWORD_TEXTS, STOP_TEXTS } from './scripts.ts';
import { StoredTextTrigger } from './stored-text-trigger.ts';

/** How long a targeted kill waits for the worker to store a text before killing anyway. */
const STORED_TEXT_WAIT_MS = 5_000;

export type FaultKind = 'worker' | 'temporal' | 'api';

export interface FaultRecord {
  kind: FaultKind;
  /** Worker kills: right after a text was stored, or at a random moment. */
  moment?: 'after-store' | 'random';
  /** Seconds since the load started. */
  at: number;
  /** Seconds until the process was serving again (worker: polling; API: answering; Temporal: ready). */
  recoveredAfter: number;
}

/** Worker kills with the Temporal and API restarts placed among them (Temporal ~40 %, API ~70 %). */
export function faultSequence(options: Pick<FaultOptions, 'workerKills' | 'temporalRestarts' | 'apiRestarts'>): FaultKind[] {
  const sequence: FaultKind[] = Array.from({ length: options.workerKills }, () => 'worker');
  const insert = (kind: FaultKind, count: number, from: number, to: number) => {
    for (let index = 0; index < count; index++) {
      const share = from + ((to - from) * (index + 1)) / (count + 1);
      sequence.splice(Math.round(sequence.length * share), 0, kind);
    }
  };
  insert('temporal', options.temporalRestarts, 0.2, 0.6);
  insert('api', options.apiRestarts, 0.5, 0.9);
  return sequence;
}

export async function runFaults(input: {
  stack: FaultStack;
  options: FaultOptions;
  loadStartedAt: number;
  loadDurationMs: number;
  log: (line: string) => void;
}): Promise<FaultRecord[]> {
  const { stack, options, loadStartedAt, loadDurationMs, log } = input;
  const sequence = faultSequence(options);
  const records: FaultRecord[] = [];
  const since = (time: number) => Math.round((time - loadStartedAt) / 100) / 10;
  const trigger = await StoredTextTrigger.listen(stack.database.url, new Set([...KEYWORD_TEXTS, ...STOP_TEXTS].map((entry) => entry.body)));
  let workerKills = 0;

  async function apply(kind: FaultKind): Promise<FaultRecord> {
    if (kind === 'worker') {
      // A worker that has just come back is replaying and catching up: let it work a moment.
      await stack.workerReady();
      await sleep(500 + Math.random() * 2_000);
      const targeted = workerKills++ % 2 === 0;
      const moment = targeted && (await trigger.next(STORED_TEXT_WAIT_MS)) ? 'after-store' : 'random';
      const at = Date.now();
      await stack.worker.killAndRestart();
      await stack.workerReady();
      return { kind, moment, at: since(at), recoveredAfter: (Date.now() - at) / 1000 };
    }
    const at = Date.now();
    if (kind === 'temporal') {
      await stack.temporal.kill();
      await sleep(options.temporalDownMs);
      stack.temporal.start();
      await stack.temporalReady();
    } else {
      await stack.api.killAndRestart();
      await stack.apiReady();
    }
    return { kind, at: since(at), recoveredAfter: (Date.now() - at) / 1000 };
  }

  try {
    for (const [index, kind] of sequence.entries()) {
      const due = loadStartedAt + (loadDurationMs * (index + 1)) / (sequence.length + 1);
      if (due > Date.now()) await sleep(due - Date.now());
      const record = await apply(kind);
      records.push(record);
      log(
        `fault ${index + 1}/${sequence.length}: ${kind} killed at +${record.at}s${record.moment ? ` (${record.moment})` : ''}, ` +
          `serving again ${record.recoveredAfter.toFixed(1)}s later`,
      );
    }
  } finally {
    await trigger.close();
  }
  return records;
}
