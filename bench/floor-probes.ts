// The floors the pipeline's latencies are compared with, measured against the same servers in
// the same run:
// - a bare signalWithStart, open-loop at the webhook phase's rate and customer mix, through the
//   API's own Temporal client, to a throwaway task queue that no worker polls (so the server
//   does the same start+signal persistence but nothing runs afterwards);
// - one at a time at idle: that signalWithStart, one INSERT through the app's Prisma client, one
//   Messages API POST to the emulator through the app's twilio-node client. Their sum is the
//   least an inbound-to-reply round can take with a durable hand-off, a stored message and a send.
import { randomBytes, randomUUID } from 'node:crypto';
import { toInboundSms } from '../src/api/webhooks/twilio-params.ts';
import { inboundMessageSignal } from '../src/shared/conversation-definitions.ts';
import { createTwilioRestClient } from '../src/twilio/rest-client.ts';
import { epochMs } from './clock.ts';
import type { BenchContext } from './context.ts';
import { customerNumber, type CustomerBlock } from './customers.ts';
import { distributionOf, type LatencyDistribution } from './histogram.ts';
import { runOpenLoop } from './load-generator.ts';
import { inboundSmsParams, KEYWORD_BODY, newMessageSid } from './twilio-inbound.ts';
import { WEBHOOK_TIMEOUT_MS } from './webhook-phase.ts';

export const FLOOR_WORKFLOW_TYPE = 'benchFloorNobodyPolls';
/** A number outside every customer block (those are +1555…): floor sends never count as replies. */
const FLOOR_RECIPIENT = '+14155550100';
const FLOOR_TABLE = 'bench_floor_insert';

function floorTaskQueue(): string {
  return `bench-floor-${randomBytes(4).toString('hex')}`;
}

/** The same signal, with the same payload the webhook handler would hand over. */
function floorSignalWithStart(context: BenchContext, taskQueue: string, customer: string): Promise<unknown> {
  const { stack } = context;
  const sms = toInboundSms(inboundSmsParams({ accountSid: stack.accountSid, from: customer, to: stack.businessNumber, body: KEYWORD_BODY, messageSid: newMessageSid() }));
  return stack.system.temporalClient.workflow.signalWithStart(FLOOR_WORKFLOW_TYPE, {
    workflowId: `bench-floor:${stack.businessNumber}:${customer}`,
    taskQueue,
    args: [{ businessNumber: stack.businessNumber, customerNumber: customer }],
    signal: inboundMessageSignal,
    signalArgs: [sms],
  });
}

export interface SignalWithStartFloor {
  taskQueue: string;
  note: string;
  latency: LatencyDistribution;
  errors: number;
}

export async function measureSignalWithStartFloor(
  context: BenchContext,
  request: { rate: number; durationSeconds: number; customers: CustomerBlock },
): Promise<SignalWithStartFloor> {
  const taskQueue = floorTaskQueue();
  const started = new Set<string>();
  const result = await runOpenLoop(
    { ratePerSecond: request.rate, durationMs: request.durationSeconds * 1000, timeoutMs: WEBHOOK_TIMEOUT_MS, maxInFlight: 2_000 },
    async (index) => {
      const customer = customerNumber(request.customers, index);
      started.add(customer);
      await floorSignalWithStart(context, taskQueue, customer);
    },
  );
  await terminateFloorWorkflows(context, [...started]);
  return {
    taskQueue,
    note: `signalWithStart of workflow type ${FLOOR_WORKFLOW_TYPE} on task queue ${taskQueue}, which no worker polls; same rate, customer mix and payload as the webhook phase`,
    latency: distributionOf(result.outcomes.map((outcome) => outcome.finishedAt - outcome.scheduledAt)),
    errors: result.outcomes.filter((outcome) => !outcome.ok).length,
  };
}

/** Nobody would ever run them: terminate, so they do not sit in the server for the rest of the run. */
async function terminateFloorWorkflows(context: BenchContext, customers: string[]): Promise<void> {
  const client = context.stack.system.temporalClient;
  const queue = [...customers];
  const worker = async () => {
    for (let customer = queue.pop(); customer !== undefined; customer = queue.pop()) {
      await client.workflow
        .getHandle(`bench-floor:${context.stack.businessNumber}:${customer}`)
        .terminate('benchmark floor measurement done')
        .catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

export interface RoundTripFloors {
  samples: number;
  signalWithStart: LatencyDistribution;
  databaseInsert: LatencyDistribution;
  messagesPost: LatencyDistribution;
  notes: Record<'signalWithStart' | 'databaseInsert' | 'messagesPost', string>;
}

async function timeEach(samples: number, run: (index: number) => Promise<unknown>): Promise<LatencyDistribution> {
  const latencies: number[] = [];
  for (let index = 0; index < samples; index++) {
    const start = epochMs();
    await run(index);
    latencies.push(epochMs() - start);
  }
  return distributionOf(latencies);
}

export async function measureRoundTripFloors(context: BenchContext, samples: number): Promise<RoundTripFloors> {
  const { stack } = context;
  const db = stack.system.db;
  const taskQueue = floorTaskQueue();
  const floorCustomers = context.customers.take(samples);
  const signalWithStart = await timeEach(samples, (index) => floorSignalWithStart(context, taskQueue, customerNumber(floorCustomers, index)));
  await terminateFloorWorkflows(context, Array.from({ length: samples }, (_, index) => customerNumber(floorCustomers, index)));

  await db.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS ${FLOOR_TABLE} (id uuid PRIMARY KEY, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const databaseInsert = await timeEach(samples, () =>
    db.$executeRawUnsafe(`INSERT INTO ${FLOOR_TABLE} (id, body) VALUES ($1::uuid, $2)`, randomUUID(), KEYWORD_BODY),
  );
  await db.$executeRawUnsafe(`DROP TABLE IF EXISTS ${FLOOR_TABLE}`);

  const twilio = createTwilioRestClient(stack.system.twilio);
  const messagesPost = await timeEach(samples, () =>
    twilio.messages.create({ to: FLOOR_RECIPIENT, from: stack.businessNumber, body: 'Benchmark floor: one Messages API POST' }),
  );

  return {
    samples,
    signalWithStart,
    databaseInsert,
    messagesPost,
    notes: {
      signalWithStart: 'one at a time at idle, API client, new workflow id each time, task queue nobody polls',
      databaseInsert: `one autocommit INSERT of a message-sized row into a scratch table, through the app's Prisma client and pool (${stack.database.kind})`,
      messagesPost: "one Messages API create through the app's twilio-node client (keep-alive) to the emulator, no status callback",
    },
  };
}
