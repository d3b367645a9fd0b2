// Plays Twilio delivering the customers' texts: a steady rate across customers, each customer's
// texts in order (the next one only once the previous was acknowledged or given up), a share of
// them delivered twice at the same moment with the same MessageSid, and any answer other than
// 200 retried with backoff until it is acknowledged (bounded), as Twilio's retries would.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TwilioEmulator } from '../../../src/twilio-emulator/index.ts';
import { BUSINESS_NUMBER } from './fault-stack.ts';
import type { CustomerScript, PlannedText } from './scripts.ts';

const MAX_ATTEMPTS_PER_COPY = 200;

export interface DeliveryFigures {
  /** HTTP requests made (first tries and retries, both copies). */
  attempts: number;
  answered200: number;
  answered5xx: number;
  /** 4xx: the API refused a correctly signed webhook. Never expected; not retried. */
  answered4xx: number;
  answeredOther: number;
  connectionErrors: number;
  timeouts: number;
  /** Texts sent as two concurrent deliveries. */
  duplicated: number;
  /** Texts with at least one delivery answered 200. */
  acknowledged: number;
  /** Texts whose deliveries were never answered 200 within the deadline. */
  unacknowledged: number;
  /** Texts acknowledged only after a retry. */
  acknowledgedAfterRetry: number;
}

export interface TextDelivery {
  acknowledged: boolean;
  /** Answers seen, in order, over both copies: "200", "503", "ECONNREFUSED", "timeout", … */
  answers: string[];
  /** 4xx answers with their bodies, for the report. */
  rejections: string[];
}

export function emptyDeliveryFigures(): DeliveryFigures {
  return {
    attempts: 0,
    answered200: 0,
    answered5xx: 0,
    answered4xx: 0,
    answeredOther: 0,
    connectionErrors: 0,
    timeouts: 0,
    duplicated: 0,
    acknowledged: 0,
    unacknowledged: 0,
    acknowledgedAfterRetry: 0,
  };
}

function backoffMs(attempt: number): number {
  const base = Math.min(3_000, 200 * 2 ** (attempt - 1));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

export async function deliverAll(input: {
  customers: readonly CustomerScript[];
  emulator: TwilioEmulator;
  ratePerSecond: number;
  deadlineMs: number;
  figures: DeliveryFigures;
  startedAt: number;
}): Promise<Map<string, TextDelivery>> {
  const { emulator, figures } = input;
  const results = new Map<string, TextDelivery>();

  /** The attempt that was acknowledged, or 0 when none was. */
  async function deliverCopy(text: PlannedText, result: TextDelivery): Promise<number> {
    const deadline = Date.now() + input.deadlineMs;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS_PER_COPY; attempt++) {
      figures.attempts++;
      try {
        const answer = await emulator.sendInbound({ from: text.customer, to: BUSINESS_NUMBER, body: text.body, messageSid: text.messageSid });
        result.answers.push(String(answer.status));
        if (answer.status === 200) {
          figures.answered200++;
          return attempt;
        }
        if (answer.status >= 500) figures.answered5xx++;
        else if (answer.status >= 400 && answer.status !== 429) {
          figures.answered4xx++;
          result.rejections.push(`${answer.status} ${answer.body.slice(0, 300)}`);
          return 0;
        } else figures.answeredOther++;
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
        if (timedOut) figures.timeouts++;
        else figures.connectionErrors++;
        const cause = (error as { cause?: { code?: string } }).cause;
        result.answers.push(timedOut ? 'timeout' : cause?.code ?? (error as Error).message);
      }
      if (Date.now() > deadline) return 0;
      await sleep(backoffMs(attempt));
    }
    return 0;
  }

  async function deliver(text: PlannedText): Promise<void> {
    const result: TextDelivery = { acknowledged: false, answers: [], rejections: [] };
    results.set(text.messageSid, result);
    if (text.duplicate) figures.duplicated++;
    const copies = await Promise.all(Array.from({ length: text.duplicate ? 2 : 1 }, () => deliverCopy(text, result)));
    result.acknowledged = copies.some((attempt) => attempt > 0);
    if (result.acknowledged) {
      figures.acknowledged++;
      if (!copies.includes(1)) figures.acknowledgedAfterRetry++;
    } else figures.unacknowledged++;
  }

  const intervalMs = 1000 / input.ratePerSecond;
  await Promise.all(
    input.customers.map(async (customer) => {
      for (const text of customer.texts) {
        const due = input.startedAt + text.index * intervalMs;
        if (due > Date.now()) await sleep(due - Date.now());
        await deliver(text);
      }
    }),
  );
  return results;
}
