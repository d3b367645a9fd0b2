// What the API process counts: Twilio's webhooks, the hand-over to Temporal, status callbacks
// and the agents listening to live events. Names and alerts: docs/operations.md.
import { Counter, Gauge, Histogram } from 'prom-client';
import { memoizedPerRegistry, REQUEST_SECONDS_BUCKETS, type Registry } from './registry.ts';

export type WebhookRoute = 'inbound' | 'status';
export type HandoffKind = 'inbound' | 'status';

export const apiMetrics = memoizedPerRegistry((registry: Registry) => ({
  webhookRequests: new Counter({
    name: 'sms_webhook_requests_total',
    help: 'Twilio webhook requests answered, by webhook and HTTP status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  }),
  webhookDuration: new Histogram({
    name: 'sms_webhook_request_duration_seconds',
    help: 'Time to answer a Twilio webhook (Twilio gives up after 15 s), by webhook and HTTP status',
    labelNames: ['route', 'status'] as const,
    buckets: REQUEST_SECONDS_BUCKETS,
    registers: [registry],
  }),
  handoffDuration: new Histogram({
    name: 'sms_temporal_handoff_duration_seconds',
    help: 'Time for Temporal to take a webhook (signal-with-start), by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    buckets: REQUEST_SECONDS_BUCKETS,
    registers: [registry],
  }),
  handoffFailures: new Counter({
    name: 'sms_temporal_handoff_failures_total',
    help: 'Webhooks Temporal could not take (unreachable or over the 5 s deadline), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  statusCallbacks: new Counter({
    name: 'sms_status_callbacks_total',
    help: 'Status callbacks taken, by message status and where they went (recorded, handed_over, recorded_directly, recorded_unmatched)',
    labelNames: ['status', 'outcome'] as const,
    registers: [registry],
  }),
  liveEventSubscribers: new Gauge({
    name: 'sms_live_event_subscribers',
    help: 'Live-event (SSE) subscribers connected to this API process',
    registers: [registry],
  }),
}));

export type ApiMetrics = ReturnType<typeof apiMetrics>;

/** Times `work` into the hand-off histogram and counts it as failed when it throws. */
export async function timeHandoff<T>(metrics: ApiMetrics | undefined, kind: HandoffKind, work: () => Promise<T>): Promise<T> {
  const end = metrics?.handoffDuration.startTimer({ kind });
  try {
    const result = await work();
    end?.({ outcome: 'ok' });
    return result;
  } catch (error) {
    end?.({ outcome: 'failed' });
    metrics?.handoffFailures.inc({ kind });
    throw error;
  }
}
