// Pairs the auto-replies the emulator accepted with the inbound texts that caused them. Each
// conversation answers its texts one at a time, in order, so per customer the k-th reply after
// the phase began belongs to the k-th text sent (and customers are cycled, so a customer rarely
// has two texts in flight anyway). Latency runs from the text's scheduled send time.
import type { EmulatedMessage } from '../src/twilio-emulator/index.ts';
import type { SentWebhook } from './load-protocol.ts';

export interface ReplyArrival {
  to: string;
  arrivedAt: number;
}

export interface MatchedReplies {
  expected: number;
  received: number;
  latenciesMs: number[];
  /** Arrival of the last matched reply, epoch ms. */
  lastArrivalAt: number | undefined;
}

/** Arrival times from the tap, else the emulator's own (millisecond) acceptance time. */
export function replyArrivals(messages: readonly EmulatedMessage[], tapArrivals: ReadonlyMap<string, number>, since: number): ReplyArrival[] {
  const arrivals: ReplyArrival[] = [];
  for (const message of messages) {
    const arrivedAt = tapArrivals.get(message.sid) ?? Date.parse(message.dateCreated);
    if (arrivedAt >= since) arrivals.push({ to: message.to, arrivedAt });
  }
  return arrivals;
}

export function matchReplies(sent: readonly SentWebhook[], arrivals: readonly ReplyArrival[]): MatchedReplies {
  const accepted = sent.filter((webhook) => webhook.ok);
  const textsByCustomer = new Map<string, number[]>();
  for (const webhook of accepted) {
    const list = textsByCustomer.get(webhook.from) ?? [];
    list.push(webhook.scheduledAt);
    textsByCustomer.set(webhook.from, list);
  }
  const repliesByCustomer = new Map<string, number[]>();
  for (const arrival of arrivals) {
    if (!textsByCustomer.has(arrival.to)) continue;
    const list = repliesByCustomer.get(arrival.to) ?? [];
    list.push(arrival.arrivedAt);
    repliesByCustomer.set(arrival.to, list);
  }
  const latenciesMs: number[] = [];
  let lastArrivalAt: number | undefined;
  for (const [customer, texts] of textsByCustomer) {
    const replies = (repliesByCustomer.get(customer) ?? []).sort((a, b) => a - b);
    texts.sort((a, b) => a - b);
    for (let k = 0; k < Math.min(texts.length, replies.length); k++) {
      latenciesMs.push(replies[k]! - texts[k]!);
      lastArrivalAt = Math.max(lastArrivalAt ?? 0, replies[k]!);
    }
  }
  return { expected: accepted.length, received: latenciesMs.length, latenciesMs, lastArrivalAt };
}
