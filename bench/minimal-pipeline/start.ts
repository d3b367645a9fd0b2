// Starts the minimal pipeline beside the product, on the same Temporal server (its own task
// queue and worker, with its own bundle), the same database (the app's Prisma client; two small
// tables of its own) and the same Twilio emulator (the same account, so the reply tap times its
// replies too). Only the benchmark uses it.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { BenchStack } from '../bench-stack.ts';
import { createTwilioRestClient } from '../../src/twilio/rest-client.ts';
import { countMinimalRows, createMinimalActivities, createMinimalTables, dropMinimalTables, productDocumentsReply } from './activities.ts';
import { MINIMAL_INBOUND_PATH, MINIMAL_STATUS_PATH, startMinimalWebhookServer } from './webhook-server.ts';

const WORKFLOWS_PATH = fileURLToPath(new URL('./workflow.ts', import.meta.url));

export interface MinimalPipeline {
  taskQueue: string;
  /** Where the load generator posts texts (and signs them for). */
  inboundUrl: string;
  /** Rows in its two tables so far. */
  stored(): Promise<{ texts: number; statusCallbacks: number }>;
  stop(): Promise<void>;
}

export async function startMinimalPipeline(stack: BenchStack): Promise<MinimalPipeline> {
  const { system } = stack;
  const taskQueue = `bench-minimal-${randomBytes(4).toString('hex')}`;
  const namespace = system.temporalClient.options.namespace;
  await createMinimalTables(system.db);
  // The same client the product's API signals through: the hop from HTTP to Temporal is alike.
  const server = await startMinimalWebhookServer({ client: system.temporalClient, taskQueue, authToken: stack.authToken });
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  const connection = await NativeConnection.connect({ address: system.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle: { code },
    activities: createMinimalActivities({
      db: system.db,
      twilio: createTwilioRestClient(system.twilio),
      statusCallbackUrl: server.baseUrl + MINIMAL_STATUS_PATH,
      replyBody: await productDocumentsReply(system.db),
    }),
  });
  const running = worker.run();
  running.catch(() => undefined);
  return {
    taskQueue,
    inboundUrl: server.baseUrl + MINIMAL_INBOUND_PATH,
    stored: () => countMinimalRows(system.db),
    stop: async () => {
      worker.shutdown();
      await running.catch(() => undefined);
      await server.close();
      await connection.close();
      await dropMinimalTables(system.db).catch(() => undefined);
    },
  };
}
