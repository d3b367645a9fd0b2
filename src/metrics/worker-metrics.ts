// What the worker's activities count: sends and their Twilio outcome, auto-replies by rule,
// opt-outs and opt-ins, parked jobs. Counted where the database change commits, so a re-run of
// an activity (a retry, a replayed local activity) that writes nothing counts nothing.
// Names and alerts: docs/operations.md.
import { Counter, Histogram, Registry } from 'prom-client';
import { memoizedPerRegistry, REQUEST_SECONDS_BUCKETS } from './registry.ts';

export type SendResult = 'accepted' | 'settled' | 'opted_out' | 'rejected' | 'retryable_error';

export const workerMetrics = memoizedPerRegistry((registry: Registry) => ({
  sends: new Counter({
    name: 'sms_sends_total',
    help: 'Send attempts through Twilio, by author, result and Twilio error code ("" when none)',
    labelNames: ['author', 'result', 'error_code'] as const,
    registers: [registry],
  }),
  twilioSendDuration: new Histogram({
    name: 'sms_twilio_send_duration_seconds',
    help: "Time Twilio's Messages API took to answer a send, by result",
    labelNames: ['result'] as const,
    buckets: REQUEST_SECONDS_BUCKETS,
    registers: [registry],
  }),
  autoReplies: new Counter({
    name: 'sms_auto_replies_total',
    help: 'Keyword auto-replies Twilio accepted, by auto-response rule id',
    labelNames: ['rule_id'] as const,
    registers: [registry],
  }),
  optOuts: new Counter({
    name: 'sms_opt_outs_total',
    help: 'Customers opted out, by source (keyword: they texted STOP or similar; twilio_21610: Twilio refused a send)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  optIns: new Counter({
    name: 'sms_opt_ins_total',
    help: 'Customers opted back in (START, YES, UNSTOP)',
    registers: [registry],
  }),
  parkedJobs: new Counter({
    name: 'sms_conversation_jobs_parked_total',
    help: 'Conversation jobs parked after their retries (kept in parked_jobs for a human), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
}));

export type WorkerMetrics = ReturnType<typeof workerMetrics>;

/** For callers that do not export metrics (unit tests, tools): counted into a registry nobody reads. */
export function unexportedWorkerMetrics(): WorkerMetrics {
  return workerMetrics(new Registry());
}
