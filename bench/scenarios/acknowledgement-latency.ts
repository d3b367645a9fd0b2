// Scenario 1: how long Twilio waits for our answer to an inbound webhook at a fixed offered
// rate, against the floor of a bare signalWithStart to the same Temporal server at the same rate.
import type { BenchContext } from '../context.ts';
import type { CustomerBlock } from '../customers.ts';
import { measureRoundTripFloors, measureSignalWithStartFloor, type RoundTripFloors, type SignalWithStartFloor } from '../floor-probes.ts';
import { summaryOf, type LatencyDistribution, type LatencySummary } from '../histogram.ts';
import { runWebhookPhase, type WebhookPhase } from '../webhook-phase.ts';

export interface AcknowledgementResult {
  offeredRate: number;
  durationSeconds: number;
  customers: number;
  newConversations: number;
  sent: number;
  accepted: number;
  errors: Record<string, number>;
  achievedRate: number;
  ack: LatencyDistribution;
  sendLag: LatencySummary;
  cpu: WebhookPhase['cpu'];
  cpuMsPerMessage: WebhookPhase['cpuMsPerMessage'];
  floor: SignalWithStartFloor;
  /** Webhook latency ÷ floor latency, per percentile. */
  ratioToFloor: { p50: number; p95: number; p99: number };
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 100) / 100 : 0);

export async function runAcknowledgementLatency(
  context: BenchContext,
): Promise<{ result: AcknowledgementResult; phase: WebhookPhase; customers: CustomerBlock; roundTrips: RoundTripFloors }> {
  const { options } = context;
  const request = { rate: options.rate, durationSeconds: options.durationSeconds };
  // Scenario 2's floor, measured first while the system is truly idle (no backlog of replies).
  context.progress(`scenario 2 floor: signalWithStart, INSERT and Messages POST round trips, ${options.probes} each, one at a time`);
  const roundTrips = await measureRoundTripFloors(context, options.probes);
  // The floor runs first, on an idle worker, with its own block of the same size (new workflow
  // ids in the same proportion as the webhook phase starts new conversations).
  context.progress(`scenario 1: floor — bare signalWithStart at ${request.rate}/s for ${request.durationSeconds}s`);
  const floor = await measureSignalWithStartFloor(context, { ...request, customers: context.customers.take(options.customers) });
  context.progress(`scenario 1: signed inbound webhooks at ${request.rate}/s for ${request.durationSeconds}s`);
  const customers = context.customers.take(options.customers);
  const { raw: _raw, ...phase } = await runWebhookPhase(context, { ...request, customers, drainSeconds: options.drainSeconds });
  return {
    phase,
    customers,
    roundTrips,
    result: {
      offeredRate: phase.offeredRate,
      durationSeconds: phase.durationSeconds,
      customers: phase.customers,
      newConversations: phase.newConversations,
      sent: phase.sent,
      accepted: phase.accepted,
      errors: phase.errors,
      achievedRate: phase.achievedRate,
      ack: phase.ack,
      sendLag: summaryOf(phase.sendLag),
      cpu: phase.cpu,
      cpuMsPerMessage: phase.cpuMsPerMessage,
      floor,
      ratioToFloor: {
        p50: ratio(phase.ack.p50, floor.latency.p50),
        p95: ratio(phase.ack.p95, floor.latency.p95),
        p99: ratio(phase.ack.p99, floor.latency.p99),
      },
    },
  };
}
