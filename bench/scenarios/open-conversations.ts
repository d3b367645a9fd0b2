// Scenario 5: many conversations open at once. Opens N (one text each, each answered), then
// reads the memory of this process (worker, API, emulator, PGlite) and of the Temporal server,
// and measures a new text to the oldest conversations — long since evicted from the worker's
// workflow cache when N exceeds it, so the worker must fetch and replay their history — against
// a new text to the most recent ones, still cached.
import { epochMs, sleep } from '../clock.ts';
import type { BenchContext } from '../context.ts';
import { memorySnapshot, type MemorySnapshot } from '../memory-snapshot.ts';
import type { CustomerBlock } from '../customers.ts';
import { distributionOf, summaryOf, type LatencySummary } from '../histogram.ts';
import { runWebhookPhase } from '../webhook-phase.ts';
import { workflowCacheSize, type WorkflowCacheSize } from '../workflow-cache.ts';

export interface ProbeGroup {
  conversations: number;
  /** Whether these conversations should have been evicted from the worker's cache. */
  expectedEvicted: boolean;
  ack: LatencySummary;
  reply: LatencySummary;
  errors: number;
  repliesMissing: number;
}

export interface OpenConversationsResult {
  requested: number;
  opened: number;
  fillRate: number;
  fillSeconds: number;
  fill: {
    ack: LatencySummary;
    reply: LatencySummary;
    errors: number;
    repliesMissing: number;
    /** Opened in chunks, each drained before the next, so the memory is read with nothing in flight. */
    chunks: number;
    /** The rate of the last chunk: lowered whenever a chunk's replies did not keep up. */
    finalRate: number;
    /** CPU used by other processes on the machine during the fill (a shared machine's noise). */
    otherCores: number;
  };
  workflowCache: WorkflowCacheSize & { exceeded: boolean };
  memory: {
    before: MemorySnapshot;
    after: MemorySnapshot;
    perOpenConversationKiB: { benchProcess: number; temporalServer: number | null };
  };
  oldConversations: ProbeGroup;
  recentConversations: ProbeGroup;
  /** The customer block, for the history profile. */
  block: CustomerBlock;
}

/** Each chunk of the fill is this long, then drained. */
const FILL_CHUNK_SECONDS = 30;

interface Fill {
  opened: number;
  seconds: number;
  chunks: number;
  finalRate: number;
  errors: number;
  repliesMissing: number;
  ackLatenciesMs: number[];
  replyLatenciesMs: number[];
  otherCores: number;
}

/**
 * Opens the block's conversations in chunks. Opening is not what this scenario measures, so it
 * applies back-pressure: each chunk's replies are awaited (bounded) before the next, the rate
 * drops by 30 % whenever a chunk's replies fell behind (and climbs back when they are prompt), so the memory is read — and the old and
 * recent conversations probed — on a quiet system, not in the middle of a backlog.
 */
async function openConversations(context: BenchContext, block: CustomerBlock, startRate: number, maxSeconds: number): Promise<Fill> {
  const started = epochMs();
  const fill: Fill = { opened: 0, seconds: 0, chunks: 0, finalRate: startRate, errors: 0, repliesMissing: 0, ackLatenciesMs: [], replyLatenciesMs: [], otherCores: 0 };
  let rate = startRate;
  let otherCoreSeconds = 0;
  while (fill.opened < block.count && (epochMs() - started) / 1000 < maxSeconds) {
    const count = Math.min(block.count - fill.opened, Math.max(1, Math.round(rate * FILL_CHUNK_SECONDS)));
    const phase = await runWebhookPhase(context, {
      rate,
      durationSeconds: count / rate,
      customers: { first: block.first + fill.opened, count },
      drainSeconds: Math.max(context.options.drainSeconds, 30),
    });
    fill.opened += count;
    fill.chunks++;
    fill.finalRate = rate;
    fill.errors += phase.sent - phase.accepted;
    fill.repliesMissing += phase.repliesExpected - phase.repliesReceived;
    fill.ackLatenciesMs.push(...phase.raw.sent.map((webhook) => webhook.finishedAt - webhook.scheduledAt));
    fill.replyLatenciesMs.push(...phase.raw.replyLatenciesMs);
    otherCoreSeconds += phase.cpu.cores.otherOnMachine * phase.cpu.wallSeconds;
    if (phase.repliesReceived < phase.repliesExpected || phase.reply.p99 >= 5_000) rate = Math.max(1, Math.round(rate * 0.7 * 10) / 10);
    // A shared machine's load comes and goes: recover towards the starting rate when it does.
    else if (phase.reply.p99 < 2_000) rate = Math.min(startRate, Math.round(rate * 1.2 * 10) / 10);
    context.progress(`  ${fill.opened}/${block.count} opened; reply p99 ${phase.reply.p99} ms; next chunk at ${rate}/s`);
  }
  fill.seconds = (epochMs() - started) / 1000;
  fill.otherCores = Math.round((otherCoreSeconds / Math.max(fill.seconds, 0.001)) * 100) / 100;
  return fill;
}

/** Low, so the probes see the cost of one text to a cold or warm conversation, not queueing. */
const PROBE_RATE = 2;

export async function runOpenConversations(context: BenchContext, fillRate: number): Promise<OpenConversationsResult> {
  const { options, processes } = context;
  // A full run opens every conversation asked for, however long that takes (the run's watchdog
  // is the only bound): the point is the memory and the evictions of N, not of what fitted in a
  // time limit. A quick run opens what its time budget leaves room for.
  const maxFillSeconds = options.quick ? Math.max(2, context.remainingSeconds() - 35) : Infinity;
  const requested = options.quick ? Math.min(options.conversations, Math.floor(fillRate * maxFillSeconds)) : options.conversations;
  const block = context.customers.take(requested);
  const cache = workflowCacheSize();
  const before = memorySnapshot(processes);

  context.progress(`scenario 5: opening ${requested} conversations at up to ${fillRate}/s; worker cache holds ${cache.maxCachedWorkflows}`);
  const fill = await openConversations(context, block, fillRate, maxFillSeconds);
  const opened = fill.opened;
  await sleep(1_000);
  const after = memorySnapshot(processes);

  // A quick run has seconds, not minutes, for the probes.
  const probeCount = Math.min(options.quick ? 6 : options.probes, Math.floor(opened / 2));
  const probe = async (first: number, expectedEvicted: boolean, label: string): Promise<ProbeGroup> => {
    context.progress(`scenario 5: one more text to each of the ${probeCount} ${label} conversations at ${PROBE_RATE}/s`);
    const phase = await runWebhookPhase(context, {
      rate: PROBE_RATE,
      durationSeconds: probeCount / PROBE_RATE,
      customers: { first: block.first + first, count: probeCount },
      drainSeconds: options.drainSeconds,
    });
    return {
      conversations: probeCount,
      expectedEvicted,
      ack: summaryOf(phase.ack),
      reply: summaryOf(phase.reply),
      errors: phase.sent - phase.accepted,
      repliesMissing: phase.repliesExpected - phase.repliesReceived,
    };
  };
  const exceeded = opened > cache.maxCachedWorkflows;
  // Oldest first: loading them back may evict others, but never the most recent ones.
  const oldConversations = await probe(0, exceeded, 'oldest');
  const recentConversations = await probe(opened - probeCount, false, 'most recent');

  const perConversation = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round(((b - a) * 1024 * 10) / opened) / 10);
  return {
    requested: options.conversations,
    opened,
    fillRate,
    fillSeconds: Math.round(fill.seconds * 10) / 10,
    fill: {
      ack: summaryOf(distributionOf(fill.ackLatenciesMs)),
      reply: summaryOf(distributionOf(fill.replyLatenciesMs)),
      errors: fill.errors,
      repliesMissing: fill.repliesMissing,
      chunks: fill.chunks,
      finalRate: fill.finalRate,
      otherCores: fill.otherCores,
    },
    workflowCache: { ...cache, exceeded },
    memory: {
      before,
      after,
      perOpenConversationKiB: {
        benchProcess: perConversation(before.benchProcessRssMiB, after.benchProcessRssMiB) ?? 0,
        temporalServer: perConversation(before.temporalServerRssMiB, after.temporalServerRssMiB),
      },
    },
    oldConversations,
    recentConversations,
    block,
  };
}
