// Scenario 4: the highest offered rate the system holds for a whole step (60 s by default) with
// no errors and p99 acknowledgement under 1 s, found by raising the rate step by step; with the
// CPU split of every step so the bottleneck can be named.
import { nameBottleneck, type BottleneckFinding } from '../bottleneck.ts';
import type { BenchContext } from '../context.ts';
import { latencyBreakdown, type LatencyBreakdown } from '../latency-breakdown.ts';
import { MainThreadProfiler, summariseProfile, type CpuProfile, type ProfileSummary } from '../cpu-profile.ts';
import { runWebhookPhase, type WebhookPhase } from '../webhook-phase.ts';

export const ACK_P99_LIMIT_MS = 1_000;
/** Secondary: the worker kept up if replies were still prompt at the end of the step. */
export const REPLY_P99_LIMIT_MS = 5_000;
/** Time a step needs beyond its hold: drain, and what the later scenarios need in a quick run. */
const STEP_RESERVE_SECONDS = 35;
/** Conversations whose histories are read for the latency breakdown. */
const BREAKDOWN_SAMPLE = 30;

export interface ThroughputStep {
  rate: number;
  /** No errors and p99 acknowledgement under 1 s: the scenario's criterion. */
  passed: boolean;
  /** Also every reply arrived, with p99 under 5 s. */
  repliesKeptUp: boolean;
  notes: string[];
  phase: WebhookPhase;
  /** What the main thread spent its time on during the step. */
  mainThreadProfile?: ProfileSummary;
}

export interface ThroughputResult {
  criterion: string;
  stepSeconds: number;
  steps: ThroughputStep[];
  /** Highest passing rate (webhooks/s), null when even the first step failed. */
  sustainedRate: number | null;
  /** Highest passing rate at which the replies kept up too. */
  sustainedRateWithReplies: number | null;
  /** Why stepping stopped. */
  stoppedBecause: string;
  bottleneck: BottleneckFinding | null;
  /** From the histories of conversations of the last step: queue waits versus work. */
  breakdown: LatencyBreakdown | null;
  /** The raw profile of the last step, written next to the JSON; not part of it. */
  lastProfile?: CpuProfile;
}

function judge(phase: WebhookPhase): { passed: boolean; repliesKeptUp: boolean; notes: string[] } {
  const notes: string[] = [];
  const errors = phase.sent - phase.accepted;
  if (errors > 0) notes.push(`${errors} errors (${Object.entries(phase.errors).map(([error, count]) => `${error}: ${count}`).join(', ')})`);
  if (phase.ack.p99 >= ACK_P99_LIMIT_MS) notes.push(`ack p99 ${phase.ack.p99} ms ≥ ${ACK_P99_LIMIT_MS} ms`);
  const passed = notes.length === 0;
  let repliesKeptUp = true;
  if (phase.repliesReceived < phase.repliesExpected) {
    repliesKeptUp = false;
    notes.push(`${phase.repliesExpected - phase.repliesReceived} replies still missing after the drain limit`);
  } else if (phase.reply.p99 >= REPLY_P99_LIMIT_MS) {
    repliesKeptUp = false;
    notes.push(`reply p99 ${phase.reply.p99} ms ≥ ${REPLY_P99_LIMIT_MS} ms (worker falling behind)`);
  }
  return { passed, repliesKeptUp, notes };
}

/**
 * CPU per text from the highest step whose replies all arrived: a step left with a backlog has
 * not yet spent the CPU its texts will cost, so its per-text figure is too low.
 */
function cpuPerCompleteText(steps: ThroughputStep[]): number {
  const complete = [...steps].reverse().find((step) => step.phase.repliesReceived === step.phase.repliesExpected);
  return (complete ?? steps[steps.length - 1]!).phase.cpuMsPerMessage.total;
}

export interface ThroughputTarget {
  /** In progress lines. */
  label: string;
  /** Inbound webhook URL; default the product's. */
  url?: string;
  /** Read conversation histories and name the bottleneck after the last step (product only). */
  explain: boolean;
}

const PRODUCT: ThroughputTarget = { label: 'scenario 4', explain: true };

export async function runSustainedThroughput(context: BenchContext, target: ThroughputTarget = PRODUCT): Promise<ThroughputResult> {
  const { options } = context;
  const steps: ThroughputStep[] = [];
  let lastProfile: CpuProfile | undefined;
  let rate = options.startRate;
  let stoppedBecause = `reached --max-steps ${options.maxSteps}`;
  for (let index = 0; index < options.maxSteps; index++) {
    if (context.remainingSeconds() < options.stepSeconds + STEP_RESERVE_SECONDS) {
      stoppedBecause = `the --quick time budget leaves no room for another ${options.stepSeconds} s step`;
      break;
    }
    context.progress(`${target.label}: step ${index + 1}, ${rate}/s for ${options.stepSeconds}s`);
    const profiler = options.profile ? new MainThreadProfiler() : undefined;
    await profiler?.start();
    const { raw: _raw, ...phase } = await runWebhookPhase(context, {
      rate,
      durationSeconds: options.stepSeconds,
      customers: context.customers.take(options.customers),
      drainSeconds: options.drainSeconds,
      ...(target.url ? { url: target.url } : {}),
      // The profile covers the offered window only, like the CPU split.
      onSendingDone: async () => {
        if (profiler) lastProfile = await profiler.stop();
      },
    });
    const verdict = judge(phase);
    steps.push({ rate, ...verdict, phase, ...(profiler && lastProfile ? { mainThreadProfile: summariseProfile(lastProfile) } : {}) });
    context.progress(
      `  ack p50/p99 ${phase.ack.p50}/${phase.ack.p99} ms, reply p50/p99 ${phase.reply.p50}/${phase.reply.p99} ms, ` +
        `${phase.accepted}/${phase.sent} accepted, ${phase.repliesReceived} replies; ${verdict.passed ? 'pass' : 'FAIL'}${verdict.notes.length ? ` (${verdict.notes.join('; ')})` : ''}`,
    );
    if (!verdict.passed) {
      stoppedBecause = `${rate}/s failed the criterion (${verdict.notes.join('; ')})`;
      break;
    }
    if (phase.repliesReceived < phase.repliesExpected) {
      // Raising the rate further would only pile up a backlog that spills into later steps.
      stoppedBecause = `${rate}/s passed, but replies had not caught up within ${options.drainSeconds} s: the sustained rate is at least this, and the worker is the limit`;
      break;
    }
    const next = Math.round(rate * options.rateFactor);
    if (next > options.maxRate) {
      stoppedBecause = `next step ${next}/s is above --max-rate ${options.maxRate}`;
      break;
    }
    rate = next;
  }
  const passed = steps.filter((step) => step.passed);
  const keptUp = passed.filter((step) => step.repliesKeptUp);
  const hardest = steps[steps.length - 1];
  const breakdown = hardest && target.explain
    ? await latencyBreakdown(context.stack.system.temporalClient, context.stack.businessNumber, hardest.phase.customerBlock, BREAKDOWN_SAMPLE)
    : null;
  return {
    criterion: `every webhook answered 200 and p99 acknowledgement < ${ACK_P99_LIMIT_MS} ms for the whole ${options.stepSeconds} s step`,
    stepSeconds: options.stepSeconds,
    steps,
    sustainedRate: passed.length ? Math.max(...passed.map((step) => step.rate)) : null,
    sustainedRateWithReplies: keptUp.length ? Math.max(...keptUp.map((step) => step.rate)) : null,
    stoppedBecause,
    bottleneck: hardest && target.explain ? nameBottleneck(hardest.phase.cpu, cpuPerCompleteText(steps), context.stack.database.kind, hardest.mainThreadProfile) : null,
    breakdown,
    ...(lastProfile ? { lastProfile } : {}),
  };
}
