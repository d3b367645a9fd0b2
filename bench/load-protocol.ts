// Messages between the benchmark and its load-generator child process.
import type { CustomerBlock } from './customers.ts';
import type { OpenLoopPlan } from './load-generator.ts';

export interface WebhookJob {
  url: string;
  authToken: string;
  accountSid: string;
  businessNumber: string;
  body: string;
  /** Request i comes from customer i mod count of this block. */
  customers: CustomerBlock;
  plan: OpenLoopPlan;
}

export interface SentWebhook {
  messageSid: string;
  from: string;
  scheduledAt: number;
  startedAt: number;
  finishedAt: number;
  /** HTTP status; 0 when no answer came. */
  status: number;
  ok: boolean;
  error?: string;
}

export interface WebhookJobResult {
  startedAt: number;
  finishedAt: number;
  sent: SentWebhook[];
}

export type ParentMessage = { type: 'run'; id: number; job: WebhookJob } | { type: 'exit' };
export type ChildMessage = { type: 'ready' } | { type: 'result'; id: number; result: WebhookJobResult } | { type: 'error'; id: number; message: string };
