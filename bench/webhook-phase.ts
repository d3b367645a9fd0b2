// One measured phase of real traffic: the load generator posts signed inbound webhooks at a
// fixed rate from a block of customers; then the phase waits (bounded) for the auto-replies and
// pairs them with their texts. Gives acknowledgement latency, inbound-to-reply latency, errors
// and where the CPU went while the rate was offered.
import { epochMs, sleep } from './clock.ts';
import type { BenchContext } from './context.ts';
import type { CpuSplit } from './cpu-meter.ts';
import type { CustomerBlock } from './customers.ts';
import { distributionOf, type LatencyDistribution, type LatencySummary, summaryOf } from './histogram.ts';
import { plannedCount } from './load-generator.ts';
import type { SentWebhook } from './load-protocol.ts';
import { matchReplies, replyArrivals } from './reply-matcher.ts';
import { KEYWORD_BODY } from './twilio-inbound.ts';

/** Twilio gives up on a webhook after 15 s; so does the load generator. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
const MAX_IN_FLIGHT = 2_000;
const DRAIN_RESERVE_SECONDS = 20;

export interface WebhookPhase {
  offeredRate: number;
  durationSeconds: number;
  customers: number;
  /** Which customers (and so which conversations) the phase used. */
  customerBlock: CustomerBlock;
  /** Texts that started a new conversation (the first to each customer). */
  newConversations: number;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  /** Scheduled send → HTTP answer (coordinated-omission corrected). */
  ack: LatencyDistribution;
  /** How late the generator actually sent versus schedule (its own health). */
  sendLag: LatencySummary;
  /** Rate of answered webhooks over the sending window. */
  achievedRate: number;
  /** Scheduled send → auto-reply accepted by the emulator. */
  reply: LatencyDistribution;
  repliesExpected: number;
  repliesReceived: number;
  /** From the last scheduled send until the last reply arrived, or the drain limit. */
  drainSeconds: number;
  /** CPU while the rate was offered (not during the drain). */
  cpu: CpuSplit;
  /**
   * CPU milliseconds per accepted webhook over the whole phase (offered window and drain), per
   * process: what one text with its reply and status callbacks costs. Unlike latencies, this
   * barely moves when other work shares the machine.
   */
  cpuMsPerMessage: { benchProcess: number; temporalServer: number | null; postgres: number | null; total: number };
}

export interface WebhookPhaseRequest {
  rate: number;
  durationSeconds: number;
  customers: CustomerBlock;
  drainSeconds: number;
  /** Where the texts go (and are signed for); default the product's inbound webhook. */
  url?: string;
  /** Called once the offered window ends, before the drain. */
  onSendingDone?: () => Promise<void>;
}

/** The phase's own observations, for callers that merge several phases. */
export interface WebhookPhaseRaw {
  sent: SentWebhook[];
  replyLatenciesMs: number[];
}

export async function runWebhookPhase(context: BenchContext, request: WebhookPhaseRequest): Promise<WebhookPhase & { raw: WebhookPhaseRaw }> {
  const { stack, load, meter } = context;
  const acceptedBefore = stack.tap.accepted;
  const phaseStart = epochMs();
  const cpuStart = meter.start();
  const plan = { ratePerSecond: request.rate, durationMs: request.durationSeconds * 1000, timeoutMs: WEBHOOK_TIMEOUT_MS, maxInFlight: MAX_IN_FLIGHT };
  const result = await load.run({
    url: request.url ?? stack.inboundUrl,
    authToken: stack.authToken,
    accountSid: stack.accountSid,
    businessNumber: stack.businessNumber,
    body: KEYWORD_BODY,
    customers: request.customers,
    plan,
  });
  const cpu = meter.stop(cpuStart);
  await request.onSendingDone?.();

  const accepted = result.sent.filter((webhook) => webhook.ok);
  const errors: Record<string, number> = {};
  for (const webhook of result.sent) if (!webhook.ok) errors[webhook.error ?? 'error'] = (errors[webhook.error ?? 'error'] ?? 0) + 1;

  // A quick run keeps a reserve for the scenarios after this one and for shutting down.
  const drainSeconds = Math.max(2, Math.min(request.drainSeconds, context.remainingSeconds() - DRAIN_RESERVE_SECONDS));
  const drainDeadline = epochMs() + drainSeconds * 1000;
  const fallbackCount = () => stack.emulator.messages().length;
  await stack.tap.waitForAccepted(acceptedBefore + accepted.length, drainSeconds * 1000, fallbackCount);
  let matched = matchReplies(result.sent, replyArrivals(stack.emulator.messages(), stack.tap.arrivals, phaseStart));
  // Late replies of an earlier phase also raise the count, so check this phase's own replies and
  // keep waiting (re-reading the emulator's list at most once a second) until they are all in.
  while (matched.received < matched.expected && epochMs() < drainDeadline) {
    const missing = matched.expected - matched.received;
    await stack.tap.waitForAccepted(stack.tap.accepted + missing, Math.min(1_000, drainDeadline - epochMs()), fallbackCount);
    matched = matchReplies(result.sent, replyArrivals(stack.emulator.messages(), stack.tap.arrivals, phaseStart));
  }
  const lastScheduled = result.sent.reduce((latest, webhook) => Math.max(latest, webhook.scheduledAt), phaseStart);
  const drainedSeconds = ((matched.received === matched.expected && matched.lastArrivalAt ? matched.lastArrivalAt : epochMs()) - lastScheduled) / 1000;
  const whole = meter.stop(cpuStart);
  const perMessage = (cores: number | null) => (cores === null ? null : Math.round(((cores * whole.wallSeconds * 1000) / Math.max(1, accepted.length)) * 10) / 10);
  const cpuMsPerMessage = {
    benchProcess: perMessage(whole.cores.benchProcess)!,
    temporalServer: perMessage(whole.cores.temporalServer),
    postgres: perMessage(whole.cores.postgres),
    total: perMessage(whole.cores.benchProcess + (whole.cores.temporalServer ?? 0) + (whole.cores.postgres ?? 0))!,
  };
  context.tally.webhooksAccepted += accepted.length;
  context.tally.repliesReceived += matched.received;
  // Let the status callbacks of the last replies land before anything else is measured.
  await sleep(500);

  const lastAnswer = result.sent.reduce((latest, webhook) => Math.max(latest, webhook.finishedAt), result.startedAt);
  const sendingSeconds = (lastAnswer - result.startedAt) / 1000;
  return {
    offeredRate: request.rate,
    durationSeconds: request.durationSeconds,
    customers: request.customers.count,
    customerBlock: request.customers,
    newConversations: Math.min(plannedCount(plan), request.customers.count),
    sent: result.sent.length,
    accepted: accepted.length,
    errors,
    ack: distributionOf(result.sent.map((webhook) => webhook.finishedAt - webhook.scheduledAt)),
    sendLag: summaryOf(distributionOf(result.sent.map((webhook) => webhook.startedAt - webhook.scheduledAt))),
    achievedRate: Math.round((accepted.length / Math.max(sendingSeconds, 0.001)) * 10) / 10,
    reply: distributionOf(matched.latenciesMs),
    repliesExpected: matched.expected,
    repliesReceived: matched.received,
    drainSeconds: Math.round(drainedSeconds * 100) / 100,
    cpu,
    cpuMsPerMessage,
    raw: { sent: result.sent, replyLatenciesMs: matched.latenciesMs },
  };
}
