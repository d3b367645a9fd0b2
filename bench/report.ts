// The results of a run: one JSON document (bench/results/<timestamp>.json) and a table on stdout.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryProfile } from './history-profile.ts';
import type { LatencySummary } from './histogram.ts';
import type { MachineFacts } from './machine-facts.ts';
import type { AcknowledgementResult } from './scenarios/acknowledgement-latency.ts';
import type { AgentEventsResult } from './scenarios/agent-events.ts';
import type { ComparedPhase, MinimalComparisonResult } from './scenarios/minimal-comparison.ts';
import type { OpenConversationsResult } from './scenarios/open-conversations.ts';
import type { ReplyLatencyResult } from './scenarios/reply-latency.ts';
import type { ThroughputResult } from './scenarios/sustained-throughput.ts';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  mode: 'quick' | 'full';
  options: Record<string, unknown>;
  machine: MachineFacts;
  stack: {
    database: string;
    databaseServerVersion?: string;
    temporalServerPid: number | null;
    /** Cores busy on the machine in the 2 s before the stack started: other people's work. */
    backgroundLoadCores: number;
    loadGenerator: string;
    emulatorStatusCallbackDelayMs: number;
  };
  scenarios: {
    acknowledgement?: AcknowledgementResult;
    reply?: ReplyLatencyResult;
    agentEvents?: AgentEventsResult;
    throughput?: ThroughputResult;
    /** Scenario 6: the product as a ratio to the minimal pipeline of the same design. */
    minimalComparison?: MinimalComparisonResult;
    openConversations?: OpenConversationsResult;
  };
  historyProfiles: HistoryProfile[];
  totals: { webhooksAccepted: number; repliesReceived: number };
  failures: string[];
}

export async function writeResults(results: BenchResults, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 1)} ms`);
const x = (value: number) => `${value.toFixed(1)}×`;
const cores = (value: number | null) => (value === null ? '–' : value.toFixed(2));

function table(rows: string[][], indent = '  '): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ')).join('\n');
}

function latencyRow(label: string, summary: LatencySummary): string[] {
  return [label, ms(summary.p50), ms(summary.p95), ms(summary.p99), ms(summary.max), String(summary.count)];
}

const LATENCY_HEADER = ['', 'p50', 'p95', 'p99', 'max', 'n'];

export function formatResults(results: BenchResults): string {
  const { machine, scenarios } = results;
  const out: string[] = [];
  out.push(
    `SMS pipeline benchmark (${results.mode}) — ${machine.cores} cores ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `${results.stack.database}, Temporal CLI ${machine.temporalCli.split('\n')[0]}, commit ${machine.git.commit.slice(0, 10)}${machine.git.dirty ? ' (dirty)' : ''}`,
  );
  const background = results.stack.backgroundLoadCores;
  out.push(
    background >= 0.2
      ? `WARNING: the machine was already busy before the run (${background.toFixed(2)} of ${machine.cores} cores): numbers are pessimistic; see "other" CPU per step`
      : `Machine idle before the run (${background.toFixed(2)} cores busy).`,
    '',
  );

  const ack = scenarios.acknowledgement;
  if (ack) {
    out.push(
      `1. Webhook acknowledgement — ${ack.offeredRate}/s offered for ${ack.durationSeconds} s: ${ack.accepted}/${ack.sent} answered 200, ` +
        `${ack.newConversations} new conversations, ${ack.achievedRate}/s achieved`,
      table([
        LATENCY_HEADER,
        latencyRow('signed webhook → 200', ack.ack),
        latencyRow('floor: bare signalWithStart', ack.floor.latency),
        ['ratio', x(ack.ratioToFloor.p50), x(ack.ratioToFloor.p95), x(ack.ratioToFloor.p99), '', ''],
      ]),
      `  floor: ${ack.floor.note}`,
      `  CPU per text (with its reply and 2 status callbacks): ${ack.cpuMsPerMessage.total} ms = this process ${ack.cpuMsPerMessage.benchProcess} + Temporal server ${ack.cpuMsPerMessage.temporalServer ?? '–'}` +
        (ack.cpuMsPerMessage.postgres !== null ? ` + PostgreSQL ${ack.cpuMsPerMessage.postgres}` : '') +
        ` ms; other processes used ${ack.cpu.cores.otherOnMachine.toFixed(2)} cores meanwhile`,
      '',
    );
  }
  const reply = scenarios.reply;
  if (reply) {
    const parts = reply.floor.components;
    out.push(
      `2. Inbound → auto-reply at the emulator — same traffic: ${reply.repliesReceived}/${reply.repliesExpected} replies`,
      table([
        LATENCY_HEADER,
        latencyRow('webhook sent → reply accepted', reply.reply),
        ['floor: sum of the three below', ms(reply.floor.sum.p50), ms(reply.floor.sum.p95), ms(reply.floor.sum.p99), '', ''],
        latencyRow('  signalWithStart (idle)', parts.signalWithStart),
        latencyRow('  database INSERT', parts.databaseInsert),
        latencyRow('  Messages API POST', parts.messagesPost),
        ['ratio', x(reply.ratioToFloor.p50), x(reply.ratioToFloor.p95), x(reply.ratioToFloor.p99), '', ''],
      ]),
      '',
    );
  }
  const events = scenarios.agentEvents;
  if (events) {
    out.push(
      events.status === 'skipped'
        ? `3. Inbound → agent event (SSE): skipped: ${events.reason}`
        : `3. Inbound → agent event (SSE) — ${events.offeredRate}/s: ${events.matched}/${events.accepted} texts seen on the stream\n` +
            table([LATENCY_HEADER, latencyRow('webhook sent → SSE event', events.latency)]) +
            `\n  target (the issue's): p95 ≤ 250 ms at 10 texts/s — ${ms(events.latency.p95)} at ${events.offeredRate}/s: ` +
            (events.offeredRate >= 10 && events.latency.p95 <= 250 && events.matched === events.accepted ? 'met' : 'not met'),
      '',
    );
  }
  const throughput = scenarios.throughput;
  if (throughput) {
    out.push(`4. Sustained throughput — criterion: ${throughput.criterion}`);
    out.push(
      table([
        ['rate/s', 'ack p50', 'ack p99', 'errors', 'reply p50', 'reply p99', 'replies', 'node', 'temporal', 'postgres', 'loadgen', 'other', 'loop busy', 'CPU ms/msg', 'verdict'],
        ...throughput.steps.map((step) => {
          const { phase } = step;
          const cpu = phase.cpu.cores;
          return [
            String(step.rate),
            ms(phase.ack.p50),
            ms(phase.ack.p99),
            String(phase.sent - phase.accepted),
            ms(phase.reply.p50),
            ms(phase.reply.p99),
            `${phase.repliesReceived}/${phase.repliesExpected}`,
            cores(cpu.benchProcess),
            cores(cpu.temporalServer),
            cores(cpu.postgres),
            cores(cpu.loadGenerator),
            cores(cpu.otherOnMachine),
            `${Math.round(phase.cpu.mainEventLoopUtilization * 100)}%`,
            `${phase.cpuMsPerMessage.total.toFixed(0)} (${phase.cpuMsPerMessage.benchProcess.toFixed(0)}+${phase.cpuMsPerMessage.temporalServer?.toFixed(0) ?? '–'}${phase.cpuMsPerMessage.postgres !== null ? `+${phase.cpuMsPerMessage.postgres.toFixed(0)}` : ''})`,
            step.passed ? (step.repliesKeptUp ? 'pass' : 'pass, replies lag') : 'FAIL',
          ];
        }),
      ]),
      '  (node … other: CPU in cores while the rate was offered; "other" = processes not part of the stack; "loop busy" = main event loop',
      '   utilisation of this process; CPU ms/msg = CPU per accepted text over the step and its drain: node + Temporal [+ PostgreSQL])',
      `  sustained: ${throughput.sustainedRate ?? 'none'}/s; with replies keeping up: ${throughput.sustainedRateWithReplies ?? 'none'}/s. Stopped: ${throughput.stoppedBecause}`,
    );
    if (throughput.bottleneck) out.push(`  bottleneck: ${throughput.bottleneck.component}`, `    ${throughput.bottleneck.evidence}`);
    const breakdown = throughput.breakdown;
    if (breakdown && breakdown.conversations > 0) {
      const rows: string[][] = [
        ['where the time went (last step, histories of ' + breakdown.conversations + ' conversations)', 'p50', 'p95', 'p99', 'max', 'n'],
        latencyRow('workflow task: queued for a worker', breakdown.workflowTaskQueueWait),
        latencyRow('workflow task: in the worker', breakdown.workflowTaskProcessing),
      ];
      for (const [type, summary] of Object.entries(breakdown.activityQueueWait)) rows.push(latencyRow(`${type}: queued for a worker`, summary));
      for (const [type, summary] of Object.entries(breakdown.activityExecution)) rows.push(latencyRow(`${type}: running`, summary));
      out.push(table(rows));
    }
    const profiled = throughput.steps[throughput.steps.length - 1]?.mainThreadProfile;
    if (profiled) {
      out.push(
        `  main thread at ${throughput.steps[throughput.steps.length - 1]!.rate}/s (CPU profile, ${profiled.sampledSeconds} s): ` +
          profiled.shares.filter((share) => share.percent >= 1).map((share) => `${share.category} ${share.percent}%`).join(', '),
      );
    }
    out.push('');
  }
  const comparison = scenarios.minimalComparison;
  if (comparison) out.push(formatComparison(comparison, scenarios.throughput), '');
  const open = scenarios.openConversations;
  if (open) {
    const { before, after } = open.memory;
    out.push(
      `5. Open conversations — ${open.opened} of ${open.requested} opened in ${open.fillSeconds} s (${open.fill.chunks} chunks, each drained; ${open.fillRate}/s → ${open.fill.finalRate}/s; ` +
        `other processes ${open.fill.otherCores.toFixed(2)} cores); worker cache ${open.workflowCache.maxCachedWorkflows} ` +
        `(${open.workflowCache.exceeded ? 'exceeded: the oldest were evicted' : 'not exceeded: nothing was evicted'})`,
      `  memory RSS: this process ${before.benchProcessRssMiB} → ${after.benchProcessRssMiB} MiB, Temporal server ${before.temporalServerRssMiB ?? '–'} → ${after.temporalServerRssMiB ?? '–'} MiB` +
        (after.postgresRssMiB !== null ? `, PostgreSQL ${before.postgresRssMiB} → ${after.postgresRssMiB} MiB` : '') +
        ` (${open.memory.perOpenConversationKiB.benchProcess} / ${open.memory.perOpenConversationKiB.temporalServer ?? '–'} KiB per conversation); ` +
        `heap used ${before.benchProcessHeapUsedMiB} → ${after.benchProcessHeapUsedMiB} MiB after a full GC`,
      table([
        ['', 'ack p50', 'ack p99', 'reply p50', 'reply p99', 'n'],
        ['opening (first text)', ms(open.fill.ack.p50), ms(open.fill.ack.p99), ms(open.fill.reply.p50), ms(open.fill.reply.p99), String(open.fill.reply.count)],
        [`text to oldest${open.oldConversations.expectedEvicted ? ' (evicted)' : ''}`, ms(open.oldConversations.ack.p50), ms(open.oldConversations.ack.p99), ms(open.oldConversations.reply.p50), ms(open.oldConversations.reply.p99), String(open.oldConversations.reply.count)],
        ['text to most recent (cached)', ms(open.recentConversations.ack.p50), ms(open.recentConversations.ack.p99), ms(open.recentConversations.reply.p50), ms(open.recentConversations.reply.p99), String(open.recentConversations.reply.count)],
      ]),
      `  target (the issue's): a text to an evicted conversation answered with p99 < 1 s — ` +
        (open.oldConversations.expectedEvicted
          ? `${ms(open.oldConversations.reply.p99)}: ${open.oldConversations.reply.p99 < 1_000 && open.oldConversations.repliesMissing === 0 ? 'met' : 'not met'}`
          : 'not measured (the cache was not exceeded)'),
      '',
    );
  }
  for (const profile of results.historyProfiles) {
    // Local activities are markers, not activity tasks: a send that Twilio answered at once has none.
    const activities = Object.entries(profile.activities).map(([name, count]) => `${name}×${count}`).join(', ') || 'none (local activities only)';
    out.push(
      `History of a conversation with ${profile.inboundTexts} text${profile.inboundTexts === 1 ? '' : 's'} (each answered, 2 status callbacks each): ` +
        `${profile.events} events, ${profile.workflowTasks} workflow tasks, ${profile.signals} signals, activities ${activities}`,
    );
  }
  if (results.historyProfiles.length) out.push('');
  out.push(`Totals: ${results.totals.webhooksAccepted} webhooks accepted, ${results.totals.repliesReceived} replies received; ${results.durationSeconds} s`);
  for (const failure of results.failures) out.push(`FAILURE: ${failure}`);
  return out.join('\n');
}

const xOrDash = (value: number | null) => (value === null ? '–' : `${value.toFixed(2)}×`);
const perText = (cpu: ComparedPhase['cpuMsPerMessage']) =>
  `${cpu.total.toFixed(0)} (${cpu.benchProcess.toFixed(0)}+${cpu.temporalServer?.toFixed(0) ?? '–'}${cpu.postgres !== null ? `+${cpu.postgres.toFixed(0)}` : ''})`;

function roundsWords(rounds: number, seconds: number): string {
  if (rounds === 1) return `${seconds} s each (product first)`;
  return `${rounds} rounds of ${seconds} s each, the order alternating (product then minimal, then minimal then product${rounds > 2 ? ', …' : ''})`;
}

function formatComparison(comparison: MinimalComparisonResult, product: ThroughputResult | undefined): string {
  const out: string[] = [`6. Against the minimal pipeline of the same design (product ÷ minimal; 1.00× = as cheap as the design allows)`, `  minimal: ${comparison.pipeline}`];
  const { ratios } = comparison;
  const at = comparison.atRate;
  if (at) {
    const { product: p, minimal: m } = at;
    out.push(
      `  same traffic at ${at.rate}/s through each, ${roundsWords(at.rounds, at.durationSeconds)}${at.warmupSeconds > 0 ? ` after ${at.warmupSeconds} s unmeasured through each` : ''}; figures over every round's texts: ` +
        `replies ${p.repliesReceived}/${p.repliesExpected} vs ${m.repliesReceived}/${m.repliesExpected}; other processes ${p.otherCores.toFixed(2)} / ${m.otherCores.toFixed(2)} cores`,
      table([
        ['', 'ack p50', 'ack p99', 'reply p50', 'reply p95', 'reply p99', 'CPU ms/text (node+temporal[+pg])'],
        ['product', ms(p.ack.p50), ms(p.ack.p99), ms(p.reply.p50), ms(p.reply.p95), ms(p.reply.p99), perText(p.cpuMsPerMessage)],
        ['minimal pipeline', ms(m.ack.p50), ms(m.ack.p99), ms(m.reply.p50), ms(m.reply.p95), ms(m.reply.p99), perText(m.cpuMsPerMessage)],
        [
          'ratio',
          xOrDash(ratios.ackP50),
          xOrDash(ratios.ackP99),
          xOrDash(ratios.replyP50),
          xOrDash(ratios.replyP95),
          xOrDash(ratios.replyP99),
          `${xOrDash(ratios.cpuMsPerText.total)} (${xOrDash(ratios.cpuMsPerText.benchProcess)}, ${xOrDash(ratios.cpuMsPerText.temporalServer)}${ratios.cpuMsPerText.postgres !== null ? `, ${xOrDash(ratios.cpuMsPerText.postgres)}` : ''})`,
        ],
      ]),
    );
    if (at.byRound.length > 1) {
      out.push(
        `  each round alone (product ÷ minimal): ${at.byRound
          .map((round, index) => `round ${index + 1} (${round.first} first) ack p99 ${xOrDash(round.ackP99)}, reply p95 ${xOrDash(round.replyP95)}`)
          .join('; ')}`,
      );
    }
  }
  const stepped = comparison.minimalThroughput;
  if (stepped && stepped.steps.length) {
    out.push(
      `  sustained (scenario 4's criterion and steps): product ${product?.sustainedRate ?? 'none'}/s, minimal ${stepped.sustainedRate ?? 'none'}/s → ${xOrDash(ratios.sustainedRate)}; ` +
        `with replies keeping up: ${product?.sustainedRateWithReplies ?? 'none'}/s vs ${stepped.sustainedRateWithReplies ?? 'none'}/s → ${xOrDash(ratios.sustainedRateWithReplies)}`,
      `  minimal steps: ${stepped.steps
        .map((step) => `${step.rate}/s ${step.passed ? (step.repliesKeptUp ? 'pass' : 'pass, replies lag') : 'FAIL'} (ack p99 ${ms(step.phase.ack.p99)}, reply p99 ${ms(step.phase.reply.p99)}, ${step.phase.cpuMsPerMessage.total.toFixed(0)} CPU ms/text)`)
        .join('; ')}. Stopped: ${stepped.stoppedBecause}`,
    );
  }
  if (comparison.minimalStored) {
    out.push(`  minimal pipeline stored ${comparison.minimalStored.texts} texts and ${comparison.minimalStored.statusCallbacks} status callbacks in this run`);
  }
  out.push(`  targets (the issue's): sustained ≥ 0.8× minimal's rate, i.e. ratio ≥ 0.80 (real PostgreSQL); reply p95 at 10/s ≤ 1.5×; ack p99 ≤ 1.3×`);
  for (const note of comparison.notes) out.push(`  note: ${note}`);
  return out.join('\n');
}
