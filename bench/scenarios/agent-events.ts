// Scenario 3: from the webhook to an agent's live view, an event on a Server-Sent Events stream
// (GET /api/events). The endpoint does not exist yet; the scenario asks for it on every run,
// records "skipped" while it answers 404 and measures as soon as it exists.
import { epochMs, sleep } from '../clock.ts';
import { agentToken } from '../agent-token.ts';
import type { BenchContext } from '../context.ts';
import { distributionOf, type LatencyDistribution } from '../histogram.ts';
import type { SentWebhook } from '../load-protocol.ts';
import { SseCollector, type ReceivedEvent } from '../sse-client.ts';
import { KEYWORD_BODY } from '../twilio-inbound.ts';
import { WEBHOOK_TIMEOUT_MS } from '../webhook-phase.ts';

export const EVENTS_PATH = '/api/events';
const RECEIVED_EVENT = 'message.received';

export type AgentEventsResult =
  | { status: 'skipped'; reason: string; httpStatus?: number }
  | {
      status: 'measured';
      offeredRate: number;
      sent: number;
      accepted: number;
      eventsReceived: number;
      matched: number;
      latency: LatencyDistribution;
    };

/**
 * The first event that names the text (by MessageSid, else by the customer's number) counts;
 * when the stream types its events, only the "a message was received" kind is considered.
 */
function matchEvents(sent: SentWebhook[], all: ReceivedEvent[]): number[] {
  const received = all.filter((event) => event.event === RECEIVED_EVENT);
  const events = received.length > 0 ? received : all;
  const latencies: number[] = [];
  const used = new Set<number>();
  for (const webhook of sent.filter((each) => each.ok)) {
    let found = events.findIndex((event, index) => !used.has(index) && event.data.includes(webhook.messageSid));
    if (found < 0) found = events.findIndex((event, index) => !used.has(index) && event.arrivedAt >= webhook.scheduledAt && event.data.includes(webhook.from));
    if (found < 0) continue;
    used.add(found);
    latencies.push(events[found]!.arrivedAt - webhook.scheduledAt);
  }
  return latencies;
}

export async function runAgentEvents(context: BenchContext): Promise<AgentEventsResult> {
  const { stack, options } = context;
  const controller = new AbortController();
  let response: Response;
  // Asked without a token first: 404 means the endpoint does not exist, whatever the auth.
  try {
    response = await fetch(stack.apiBaseUrl + EVENTS_PATH, { headers: { Accept: 'text/event-stream' }, signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
  } catch (error) {
    return { status: 'skipped', reason: `GET ${EVENTS_PATH} failed: ${String(error)}` };
  }
  if (response.status === 404) return { status: 'skipped', reason: `GET ${EVENTS_PATH} not implemented yet`, httpStatus: 404 };
  const { token, problem } = response.status === 401 ? await agentToken(stack.system.db, stack.database.throwaway) : {};
  if (problem) return { status: 'skipped', reason: `GET ${EVENTS_PATH} needs an agent token: ${problem}`, httpStatus: 401 };
  // The signal also ends the body, so the 5 s limit covers only waiting for the headers.
  const headersTimeout = setTimeout(() => controller.abort(), 5_000);
  try {
    response = await fetch(stack.apiBaseUrl + EVENTS_PATH, {
      headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      signal: controller.signal,
    });
  } catch (error) {
    return { status: 'skipped', reason: `GET ${EVENTS_PATH} failed: ${String(error)}` };
  } finally {
    clearTimeout(headersTimeout);
  }
  if (response.status !== 200 || !response.headers.get('content-type')?.startsWith('text/event-stream') || !response.body) {
    await response.body?.cancel();
    return { status: 'skipped', reason: `GET ${EVENTS_PATH} answered ${response.status} ${response.headers.get('content-type') ?? ''}`, httpStatus: response.status };
  }

  // The stream is open from here; it is read while the texts go in.
  const collector = new SseCollector();
  const reading = collector.consume(response.body);
  // At the rate for this target (--compare-rate, 10/s), long enough for a p95 of a few
  // hundred texts (a quick run: its short --duration).
  const rate = options.compareRate;
  const durationSeconds = Math.min(options.durationSeconds, 30);
  context.progress(`scenario 3: webhooks at ${rate}/s for ${durationSeconds}s with an SSE client on ${EVENTS_PATH}`);
  try {
    const result = await context.load.run({
      url: stack.inboundUrl,
      authToken: stack.authToken,
      accountSid: stack.accountSid,
      businessNumber: stack.businessNumber,
      body: KEYWORD_BODY,
      customers: context.customers.take(options.customers),
      plan: { ratePerSecond: rate, durationMs: durationSeconds * 1000, timeoutMs: WEBHOOK_TIMEOUT_MS, maxInFlight: 2_000 },
    });
    const accepted = result.sent.filter((webhook) => webhook.ok).length;
    const deadline = epochMs() + Math.min(options.drainSeconds, 15) * 1000;
    let latencies = matchEvents(result.sent, collector.events);
    while (latencies.length < accepted && epochMs() < deadline) {
      await sleep(250);
      latencies = matchEvents(result.sent, collector.events);
    }
    return {
      status: 'measured',
      offeredRate: rate,
      sent: result.sent.length,
      accepted,
      eventsReceived: collector.events.length,
      matched: latencies.length,
      latency: distributionOf(latencies),
    };
  } finally {
    controller.abort();
    await reading;
  }
}
