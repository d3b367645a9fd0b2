// Scenario 6: the product against the minimal pipeline of the same design (bench/minimal-pipeline),
// in the same run, on the same Temporal server, database and Twilio emulator: the same stepping
// as scenario 4 for the sustained rate, then the same traffic at --compare-rate (10/s) through
// each for acknowledgement, reply latency and CPU per text. Every figure is also given as
// product ÷ minimal: 1.0× means the product costs no more than the least this design can do.
//
// The latency comparison runs in rounds whose order alternates (product then minimal, then
// minimal then product): a p99 over one 30 s phase is its third-worst text, and runs of the
// same code gave ratios from 1.03× to 1.83×; whatever drifts during a run (a backlog's
// aftermath, autovacuum) falls on both sides alike, and the figures are over every round's texts.
import type { BenchContext } from '../context.ts';
import { distributionOf, type LatencyDistribution } from '../histogram.ts';
import { startMinimalPipeline } from '../minimal-pipeline/start.ts';
import { settle } from '../settle.ts';
import { runWebhookPhase, type WebhookPhase, type WebhookPhaseRaw } from '../webhook-phase.ts';
import { runSustainedThroughput, type ThroughputResult } from './sustained-throughput.ts';

/** What the quick run's two comparison phases need beyond their hold time: drains, the rest of the run. */
const QUICK_PHASE_RESERVE_SECONDS = 10;
/** Longest wait for an earlier backlog to clear before each comparison phase (full run). */
const SETTLE_MAX_SECONDS = 60;
/**
 * Unmeasured traffic through each pipeline before the first round (not in --quick): the first
 * seconds through a pipeline pay one-off costs — the JIT, lazily loaded modules, the minimal
 * pipeline's fresh worker and connections — that belong to neither's steady state.
 */
const WARMUP_SECONDS = 5;

export interface ComparedPhase {
  offeredRate: number;
  sent: number;
  accepted: number;
  ack: LatencyDistribution;
  reply: LatencyDistribution;
  repliesExpected: number;
  repliesReceived: number;
  cpuMsPerMessage: WebhookPhase['cpuMsPerMessage'];
  otherCores: number;
}

export interface MinimalComparisonResult {
  /** What the minimal pipeline is, in one line. */
  pipeline: string;
  /** Null when the scenario was cut short (the note says why). Figures over every round's texts. */
  atRate: {
    rate: number;
    /** Of each pipeline's phase in a round. */
    durationSeconds: number;
    rounds: number;
    /** Unmeasured seconds through each pipeline before the first round. */
    warmupSeconds: number;
    product: ComparedPhase;
    minimal: ComparedPhase;
    /** Each round on its own: which went first, and product ÷ minimal for that round's texts. */
    byRound: Array<{ first: 'product' | 'minimal'; ackP99: number | null; replyP95: number | null }>;
  } | null;
  /** The minimal pipeline's own stepping, with scenario 4's criterion; null when not run. */
  minimalThroughput: Omit<ThroughputResult, 'lastProfile'> | null;
  /** Rows the minimal pipeline stored (texts, status callbacks) by the end: it did the whole job. */
  minimalStored: { texts: number; statusCallbacks: number } | null;
  /** Product ÷ minimal; null where either side is missing. */
  ratios: {
    sustainedRate: number | null;
    sustainedRateWithReplies: number | null;
    ackP50: number | null;
    ackP99: number | null;
    replyP50: number | null;
    replyP95: number | null;
    replyP99: number | null;
    cpuMsPerText: { benchProcess: number | null; temporalServer: number | null; postgres: number | null; total: number | null };
  };
  notes: string[];
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b <= 0 ? null : Math.round((a / b) * 100) / 100);

type MeasuredPhase = WebhookPhase & { raw: WebhookPhaseRaw };

/** One pipeline's rounds as one phase: latencies over all their texts, CPU per text weighted by texts. */
function pooled(phases: MeasuredPhase[]): ComparedPhase {
  const sum = (pick: (phase: MeasuredPhase) => number) => phases.reduce((total, phase) => total + pick(phase), 0);
  const accepted = sum((phase) => phase.accepted);
  const weighted = (pick: (phase: MeasuredPhase) => number | null): number | null => {
    if (phases.some((phase) => pick(phase) === null)) return null;
    return Math.round((sum((phase) => pick(phase)! * phase.accepted) / Math.max(1, accepted)) * 10) / 10;
  };
  return {
    offeredRate: phases[0]!.offeredRate,
    sent: sum((phase) => phase.sent),
    accepted,
    ack: distributionOf(phases.flatMap((phase) => phase.raw.sent.map((webhook) => webhook.finishedAt - webhook.scheduledAt))),
    reply: distributionOf(phases.flatMap((phase) => phase.raw.replyLatenciesMs)),
    repliesExpected: sum((phase) => phase.repliesExpected),
    repliesReceived: sum((phase) => phase.repliesReceived),
    cpuMsPerMessage: {
      benchProcess: weighted((phase) => phase.cpuMsPerMessage.benchProcess)!,
      temporalServer: weighted((phase) => phase.cpuMsPerMessage.temporalServer),
      postgres: weighted((phase) => phase.cpuMsPerMessage.postgres),
      total: weighted((phase) => phase.cpuMsPerMessage.total)!,
    },
    otherCores: Math.round((sum((phase) => phase.cpu.cores.otherOnMachine) / phases.length) * 100) / 100,
  };
}

export async function runMinimalComparison(context: BenchContext, productThroughput: ThroughputResult | undefined): Promise<MinimalComparisonResult> {
  const { options } = context;
  const notes: string[] = [];
  context.progress('scenario 6: starting the minimal pipeline (own bundle, worker, task queue and webhook server)');
  const minimal = await startMinimalPipeline(context.stack);
  let atRate: MinimalComparisonResult['atRate'] = null;
  let minimalThroughput: MinimalComparisonResult['minimalThroughput'] = null;
  let minimalStored: MinimalComparisonResult['minimalStored'] = null;
  try {
    // The latency comparison first: it is what a --quick run has room for.
    const rate = options.compareRate;
    const durationSeconds = options.durationSeconds;
    const rounds = options.compareRounds;
    if (context.remainingSeconds() < 2 * durationSeconds + QUICK_PHASE_RESERVE_SECONDS) {
      notes.push(`comparison at ${rate}/s skipped: the --quick time budget leaves no room for two ${durationSeconds} s phases`);
    } else {
      // Each measured phase after the system went quiet.
      let phasesLeft = 2 * rounds;
      const quiet = async (before: string) => {
        const spare = context.remainingSeconds() - phasesLeft * durationSeconds - QUICK_PHASE_RESERVE_SECONDS;
        const waited = await settle(context.stack.tap, Math.max(0, Math.min(SETTLE_MAX_SECONDS, spare)) * 1000);
        if (!waited.quiet) notes.push(`replies were still arriving ${Math.round(waited.waitedMs / 1000)} s after the previous phase when the ${before} phase began`);
      };
      // Fresh customers each time: every text opens a conversation in the first pass through the block.
      const through = (pipeline: 'product' | 'minimal', seconds: number) =>
        runWebhookPhase(context, {
          rate,
          durationSeconds: seconds,
          customers: context.customers.take(options.customers),
          drainSeconds: options.drainSeconds,
          ...(pipeline === 'minimal' ? { url: minimal.inboundUrl } : {}),
        });
      const named = (pipeline: 'product' | 'minimal') => (pipeline === 'product' ? 'product' : 'minimal pipeline');
      if (!options.quick) {
        for (const pipeline of ['product', 'minimal'] as const) {
          context.progress(`scenario 6: warming the ${named(pipeline)} up at ${rate}/s for ${WARMUP_SECONDS}s (not measured)`);
          await through(pipeline, WARMUP_SECONDS);
        }
      }
      const phases: Record<'product' | 'minimal', MeasuredPhase[]> = { product: [], minimal: [] };
      const byRound: NonNullable<MinimalComparisonResult['atRate']>['byRound'] = [];
      for (let round = 1; round <= rounds; round++) {
        const order = round % 2 === 1 ? (['product', 'minimal'] as const) : (['minimal', 'product'] as const);
        for (const pipeline of order) {
          await quiet(pipeline);
          context.progress(`scenario 6: ${named(pipeline)} at ${rate}/s for ${durationSeconds}s (round ${round} of ${rounds})`);
          const phase = await through(pipeline, durationSeconds);
          phases[pipeline].push(phase);
          phasesLeft -= 1;
        }
        const product = phases.product.at(-1)!;
        const least = phases.minimal.at(-1)!;
        byRound.push({ first: order[0], ackP99: ratio(product.ack.p99, least.ack.p99), replyP95: ratio(product.reply.p95, least.reply.p95) });
        context.progress(
          `  round ${round}: ack p99 ${product.ack.p99} vs ${least.ack.p99} ms, reply p95 ${product.reply.p95} vs ${least.reply.p95} ms, ` +
            `CPU/text ${product.cpuMsPerMessage.total} vs ${least.cpuMsPerMessage.total} ms (product vs minimal)`,
        );
      }
      atRate = { rate, durationSeconds, rounds, warmupSeconds: options.quick ? 0 : WARMUP_SECONDS, product: pooled(phases.product), minimal: pooled(phases.minimal), byRound };
    }
    // Stepping only when the product's was run too (a ratio needs both), with the same steps; not
    // in --quick, whose budget would cut it after a step or two and make the ratio meaningless.
    if (options.quick) {
      notes.push("sustained-rate ratio not measured: --quick has no room for the minimal pipeline's stepping");
    } else if (productThroughput) {
      const { lastProfile: _profile, ...stepped } = await runSustainedThroughput(context, { label: 'scenario 6: minimal pipeline', url: minimal.inboundUrl, explain: false });
      minimalThroughput = stepped;
      if (stepped.steps.length === 0) notes.push(`minimal pipeline's stepping not run: ${stepped.stoppedBecause}`);
    } else {
      notes.push('sustained-rate ratio not measured: scenario 4 (throughput) was not part of this run');
    }
    // The last status callbacks land ≈ 100 ms after the last reply (the phase waits 500 ms).
    minimalStored = await minimal.stored().catch(() => null);
  } finally {
    await minimal.stop().catch((error: unknown) => context.progress(`stopping the minimal pipeline failed: ${String(error)}`));
  }

  const p = atRate?.product;
  const m = atRate?.minimal;
  return {
    pipeline:
      'one workflow per conversation (signalWithStart from a node:http webhook that validates the signature), one local activity per text ' +
      '(INSERT, keyword rule, Messages API POST with a status callback) and one per status callback (INSERT); own task queue and worker; same Temporal server, database and emulator',
    atRate,
    minimalThroughput,
    minimalStored,
    ratios: {
      sustainedRate: ratio(productThroughput?.sustainedRate, minimalThroughput?.sustainedRate),
      sustainedRateWithReplies: ratio(productThroughput?.sustainedRateWithReplies, minimalThroughput?.sustainedRateWithReplies),
      ackP50: ratio(p?.ack.p50, m?.ack.p50),
      ackP99: ratio(p?.ack.p99, m?.ack.p99),
      replyP50: ratio(p?.reply.p50, m?.reply.p50),
      replyP95: ratio(p?.reply.p95, m?.reply.p95),
      replyP99: ratio(p?.reply.p99, m?.reply.p99),
      cpuMsPerText: {
        benchProcess: ratio(p?.cpuMsPerMessage.benchProcess, m?.cpuMsPerMessage.benchProcess),
        temporalServer: ratio(p?.cpuMsPerMessage.temporalServer, m?.cpuMsPerMessage.temporalServer),
        postgres: ratio(p?.cpuMsPerMessage.postgres, m?.cpuMsPerMessage.postgres),
        total: ratio(p?.cpuMsPerMessage.total, m?.cpuMsPerMessage.total),
      },
    },
    notes,
  };
}
