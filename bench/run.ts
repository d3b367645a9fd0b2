// `npm run bench`: starts the whole stack on loopback, drives it with signed inbound webhooks
// the way Twilio sends them, prints a table and writes bench/results/<timestamp>.json.
// Exits non-zero when the stack fails, the worker dies, or not a single reply arrived, so
// `npm run bench -- --quick` is a working smoke check (it never judges speed).
import { conversationWorkflowId } from '../src/shared/workflow-id.ts';
import { startBenchStack, type BenchStack } from './bench-stack.ts';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { epochMs, sleep } from './clock.ts';
import type { BenchContext } from './context.ts';
import { CpuMeter, type MeteredProcesses } from './cpu-meter.ts';
import { CustomerAllocator, customerNumber, type CustomerBlock } from './customers.ts';
import { profileHistory } from './history-profile.ts';
import { machineFacts } from './machine-facts.ts';
import { machineCpuSeconds } from './process-stats.ts';
import { parseOptions, USAGE, type BenchOptions, type ScenarioName } from './options.ts';
import { formatResults, writeResults, type BenchResults } from './report.ts';
import { runAcknowledgementLatency } from './scenarios/acknowledgement-latency.ts';
import { runAgentEvents } from './scenarios/agent-events.ts';
import { runMinimalComparison } from './scenarios/minimal-comparison.ts';
import { runOpenConversations } from './scenarios/open-conversations.ts';
import { replyLatency } from './scenarios/reply-latency.ts';
import { runSustainedThroughput } from './scenarios/sustained-throughput.ts';
import { WebhookLoadGenerator } from './webhook-load.ts';

const startedAt = epochMs();
/** A quick run wraps up by then, whatever is left, so it stays under two minutes. */
const QUICK_BUDGET_SECONDS = 100;
const progress = (message: string) => process.stderr.write(`[bench +${((epochMs() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);

let options: BenchOptions;
try {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  options = parsed;
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}

// Every loop below is bounded on its own; this is the backstop if something hangs anyway.
const hardLimitMs = (options.quick ? 6 : 120) * 60_000;
setTimeout(() => {
  progress(`giving up: the run exceeded ${hardLimitMs / 60_000} minutes`);
  process.exit(3);
}, hardLimitMs).unref();

/** How busy the machine is without us: on a shared machine, other people's builds skew every number. */
async function backgroundLoad(): Promise<number> {
  const before = machineCpuSeconds();
  await sleep(2_000);
  const after = machineCpuSeconds();
  // /proc/stat counts every core's time: total / cores is the wall time that passed.
  const wallSeconds = (after.total - before.total) / os.availableParallelism();
  return Math.round(((after.busy - before.busy) / wallSeconds) * 100) / 100;
}

/**
 * Without --fill-rate, open conversations below what the worker was seen to keep up with, so the
 * memory is read with every conversation answered rather than with a backlog in flight: 80 % of
 * the best rate whose replies kept up, and at most 70 % of what the CPU cost per text measured in
 * scenario 1 allows on this machine's cores.
 */
function fillRate(results: BenchResults): number {
  if (options.fillRate) return options.fillRate;
  const limits: number[] = [];
  const kept = results.scenarios.throughput?.sustainedRateWithReplies;
  if (kept) limits.push(kept * 0.8);
  const cpuPerText = results.scenarios.acknowledgement?.cpuMsPerMessage.total;
  if (cpuPerText) limits.push(((os.availableParallelism() * 1000) / cpuPerText) * 0.7);
  return limits.length ? Math.max(2, Math.floor(Math.min(...limits))) : 5;
}

async function recordHistoryProfile(context: BenchContext, block: CustomerBlock, results: BenchResults): Promise<void> {
  const workflowId = conversationWorkflowId(context.stack.businessNumber, customerNumber(block, 0));
  try {
    results.historyProfiles.push(await profileHistory(context.stack.system.temporalClient, workflowId));
  } catch (error) {
    progress(`could not read the history of ${workflowId}: ${String(error)}`);
  }
}

async function runScenarios(context: BenchContext, results: BenchResults): Promise<void> {
  const { scenarios } = options;
  if (scenarios.has('ack') || scenarios.has('reply')) {
    const { result, phase, customers, roundTrips } = await runAcknowledgementLatency(context);
    if (scenarios.has('ack')) results.scenarios.acknowledgement = result;
    if (scenarios.has('reply')) results.scenarios.reply = replyLatency(phase, roundTrips);
    await recordHistoryProfile(context, customers, results);
  }
  if (scenarios.has('agent-events')) {
    progress('scenario 3: GET /api/events');
    results.scenarios.agentEvents = await runAgentEvents(context);
  }
  if (scenarios.has('throughput')) results.scenarios.throughput = await runSustainedThroughput(context);
  if (scenarios.has('minimal')) results.scenarios.minimalComparison = await runMinimalComparison(context, results.scenarios.throughput);
  if (scenarios.has('conversations')) {
    const open = await runOpenConversations(context, fillRate(results));
    results.scenarios.openConversations = open;
    await recordHistoryProfile(context, open.block, results);
  }
}

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  finishedAt: '',
  durationSeconds: 0,
  mode: options.quick ? 'quick' : 'full',
  options: { ...options, scenarios: [...options.scenarios] },
  machine: machineFacts(),
  stack: { database: '(stack did not start)', temporalServerPid: null, backgroundLoadCores: 0, loadGenerator: 'child process (open loop, node:http keep-alive)', emulatorStatusCallbackDelayMs: 50 },
  scenarios: {},
  historyProfiles: [],
  totals: { webhooksAccepted: 0, repliesReceived: 0 },
  failures: [],
};

// Ctrl-C (or a CI timeout's SIGTERM) still stops the Temporal server and writes what was measured;
// a second signal kills at once.
const interrupted = new Promise<never>((_, reject) => {
  const onSignal = (signal: NodeJS.Signals) => reject(new Error(`interrupted by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
});
interrupted.catch(() => undefined);

let stack: BenchStack | undefined;
let load: WebhookLoadGenerator | undefined;
const tally = { webhooksAccepted: 0, repliesReceived: 0 };
try {
  results.stack.backgroundLoadCores = await backgroundLoad();
  progress(`machine load before start: ${results.stack.backgroundLoadCores.toFixed(2)} cores busy`);
  progress('starting the stack (Temporal dev server, database, worker, API, Twilio emulator)');
  stack = await startBenchStack();
  load = await WebhookLoadGenerator.start();
  const processes: MeteredProcesses = {
    temporalServerPid: stack.temporalServerPid,
    loadGeneratorPid: load.pid,
    postgres: stack.database.kind.startsWith('PostgreSQL'),
  };
  results.stack.database = stack.database.kind + (stack.database.throwaway ? '' : ' (shared database, not a throwaway one)');
  results.stack.databaseServerVersion = stack.database.serverVersion;
  results.stack.temporalServerPid = stack.temporalServerPid ?? null;
  if (!stack.temporalServerPid) progress('warning: the Temporal server process was not found; its CPU and memory are not reported');
  progress(`stack up: API ${stack.apiBaseUrl}, Temporal ${stack.system.temporalAddress} (pid ${stack.temporalServerPid ?? '?'}), ${stack.database.kind}, data in ${stack.dataDir}`);

  const remainingSeconds = () => (options.quick ? QUICK_BUDGET_SECONDS - (epochMs() - startedAt) / 1000 : Infinity);
  const context: BenchContext = { stack, load, meter: new CpuMeter(processes), processes, customers: new CustomerAllocator(), options, tally, remainingSeconds, progress };
  await Promise.race([runScenarios(context, results), stack.workerFailure, interrupted]);
} catch (error) {
  results.failures.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  results.totals = { ...tally };
  // Only phases that wait for replies count in the tally; with none run (--only agent-events)
  // there is nothing to check.
  const replyScenarios: ScenarioName[] = ['ack', 'reply', 'throughput', 'minimal', 'conversations'];
  const measuredReplies = replyScenarios.some((name) => options.scenarios.has(name));
  if (stack && results.failures.length === 0 && measuredReplies && tally.repliesReceived === 0) {
    results.failures.push(`no auto-reply reached the emulator (${tally.webhooksAccepted} webhooks accepted)`);
  }
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = Math.round(epochMs() - startedAt) / 1000;
  progress('stopping the stack');
  await load?.stop().catch(() => undefined);
  await stack?.stop().catch((error: unknown) => progress(`stopping failed: ${String(error)}`));
}

// The raw profile is large and only for DevTools: a file of its own beside the JSON.
const profile = results.scenarios.throughput?.lastProfile;
if (results.scenarios.throughput) delete results.scenarios.throughput.lastProfile;
const file = await writeResults(results, options.resultsDir);
if (profile) await writeFile(file.replace(/\.json$/, '.cpuprofile'), JSON.stringify(profile));
process.stdout.write(`\n${formatResults(results)}\nJSON: ${file}\n`);
process.exit(results.failures.length ? 1 : 0);
