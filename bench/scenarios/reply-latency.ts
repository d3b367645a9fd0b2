// Scenario 2: from the webhook request to the auto-reply reaching Twilio (the emulator), from
// the same traffic as scenario 1, against the sum of the round trips no design can avoid.
import type { RoundTripFloors } from '../floor-probes.ts';
import type { LatencyDistribution } from '../histogram.ts';
import type { WebhookPhase } from '../webhook-phase.ts';

export interface ReplyLatencyResult {
  offeredRate: number;
  repliesExpected: number;
  repliesReceived: number;
  reply: LatencyDistribution;
  drainSeconds: number;
  floor: {
    /** What the floor is made of, in order. */
    roundTrips: string[];
    components: RoundTripFloors;
    /** Sum of the components' percentiles (an upper bound of the sum's percentile for p95/p99). */
    sum: { p50: number; p95: number; p99: number };
  };
  ratioToFloor: { p50: number; p95: number; p99: number };
}

const round = (value: number) => Math.round(value * 100) / 100;

export function replyLatency(phase: WebhookPhase, components: RoundTripFloors): ReplyLatencyResult {
  const parts = [components.signalWithStart, components.databaseInsert, components.messagesPost];
  const sum = {
    p50: round(parts.reduce((total, part) => total + part.p50, 0)),
    p95: round(parts.reduce((total, part) => total + part.p95, 0)),
    p99: round(parts.reduce((total, part) => total + part.p99, 0)),
  };
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b) : 0);
  return {
    offeredRate: phase.offeredRate,
    repliesExpected: phase.repliesExpected,
    repliesReceived: phase.repliesReceived,
    reply: phase.reply,
    drainSeconds: phase.drainSeconds,
    floor: {
      roundTrips: [
        'signalWithStart (the durable hand-off the webhook must wait for)',
        'one database INSERT (the inbound message must be stored before it is answered)',
        'one Messages API POST (the reply itself)',
      ],
      components,
      sum,
    },
    ratioToFloor: { p50: ratio(phase.reply.p50, sum.p50), p95: ratio(phase.reply.p95, sum.p95), p99: ratio(phase.reply.p99, sum.p99) },
  };
}
