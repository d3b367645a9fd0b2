// An open-loop load generator: request i is due at start + i/rate whatever happened to earlier
// requests, and its latency is measured from that scheduled time, not from when it was actually
// sent. A stalled server (or a stalled sender) therefore shows up in the latencies instead of
// silently lowering the offered rate (the "coordinated omission" that closed-loop loops hide).
// Bounded in count (rate × duration), in time (each request has a timeout) and in memory
// (requests that would exceed maxInFlight fail at once and count as errors).
import { epochMs, sleep } from './clock.ts';

export interface OpenLoopPlan {
  ratePerSecond: number;
  durationMs: number;
  /** A request still unanswered after this long fails with "timeout" (Twilio waits 15 s). */
  timeoutMs: number;
  maxInFlight: number;
}

export interface RequestOutcome {
  index: number;
  /** Epoch ms (see clock.ts). */
  scheduledAt: number;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  error?: string;
}

export interface OpenLoopResult {
  plan: OpenLoopPlan;
  startedAt: number;
  finishedAt: number;
  outcomes: RequestOutcome[];
}

export type SendRequest = (index: number, signal: AbortSignal) => Promise<void>;

export function plannedCount(plan: Pick<OpenLoopPlan, 'ratePerSecond' | 'durationMs'>): number {
  return Math.max(1, Math.floor((plan.ratePerSecond * plan.durationMs) / 1000));
}

export async function runOpenLoop(plan: OpenLoopPlan, send: SendRequest): Promise<OpenLoopResult> {
  const total = plannedCount(plan);
  const intervalMs = 1000 / plan.ratePerSecond;
  const outcomes: RequestOutcome[] = new Array(total);
  const pending = new Set<Promise<void>>();
  const startedAt = epochMs() + 5; // a moment to get into the loop before the first is due

  async function fire(index: number, scheduledAt: number): Promise<void> {
    const sentAt = epochMs();
    if (pending.size >= plan.maxInFlight) {
      outcomes[index] = { index, scheduledAt, startedAt: sentAt, finishedAt: sentAt, ok: false, error: 'in-flight limit' };
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), plan.timeoutMs);
    try {
      await send(index, controller.signal);
      outcomes[index] = { index, scheduledAt, startedAt: sentAt, finishedAt: epochMs(), ok: true };
    } catch (error) {
      const message = controller.signal.aborted ? 'timeout' : error instanceof Error ? error.message : String(error);
      outcomes[index] = { index, scheduledAt, startedAt: sentAt, finishedAt: epochMs(), ok: false, error: message };
    } finally {
      clearTimeout(timer);
    }
  }

  let next = 0;
  while (next < total) {
    const now = epochMs();
    // Everything already due goes out now, so a late wake-up catches up instead of drifting.
    while (next < total && startedAt + next * intervalMs <= now) {
      const run = fire(next, startedAt + next * intervalMs);
      pending.add(run);
      void run.finally(() => pending.delete(run));
      next++;
    }
    if (next < total) await sleep(startedAt + next * intervalMs - epochMs());
  }
  await Promise.all([...pending]);
  return { plan, startedAt, finishedAt: epochMs(), outcomes };
}
