// Builds the conversation worker from its dependencies; the caller decides where it runs
// (its own process in production, beside the API in the embedded start, in tests).
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { TwilioConfig } from '../config/config.ts';
import type { Database } from '../infra/database.ts';
import type { Logger } from '../infra/logger.ts';
import type { Registry } from '../metrics/registry.ts';
import { workerMetrics } from '../metrics/worker-metrics.ts';
import type { ConversationSettings } from '../shared/conversation-types.ts';
import { createTwilioRestClient } from '../twilio/rest-client.ts';
import { createMessageStatusFetcher } from '../twilio/fetch-message-status.ts';
import { createSentSmsFinder, createSmsSender } from '../twilio/send-sms.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface ConversationWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Database;
  twilio: TwilioConfig;
  statusCallbackUrl: string;
  settings: ConversationSettings;
  log: Logger;
  /** A pre-built bundle (tests build one for all their workers); otherwise built from source. */
  workflowBundle?: WorkflowBundleOption;
  /** Where the activities count sends, opt-outs, parked jobs (worker-metrics.ts). */
  metrics?: Registry;
  /**
   * On shutdown, how long in-flight activities get to finish before they are cancelled
   * (WORKER_SHUTDOWN_GRACE_SECONDS). Default 0: cancelled at once, the SDK's default.
   */
  shutdownGraceSeconds?: number;
}

/**
 * How long a send's first attempt (a local activity, which keeps its workflow task open) waits
 * for Twilio before giving up and leaving the send to the retried activity. Twilio answers a
 * Messages POST in well under a second; below the local activity's own 5 s timeout, so the
 * request is over before the activity is.
 */
const FIRST_SEND_ATTEMPT_TIMEOUT_MS = 3_000;

/** After the grace period, how long cancelled activities get to stop before the worker gives up on them. */
const SHUTDOWN_FORCE_AFTER_GRACE_MS = 5_000;

export async function createConversationWorker(options: ConversationWorkerOptions): Promise<Worker> {
  const restClient = createTwilioRestClient(options.twilio);
  const firstAttemptClient = createTwilioRestClient(options.twilio, { timeoutMs: FIRST_SEND_ATTEMPT_TIMEOUT_MS });
  const activities = createActivities({
    db: options.db,
    sendSms: createSmsSender(restClient, options.twilio),
    sendSmsFirstAttempt: createSmsSender(firstAttemptClient, options.twilio),
    findSentSms: createSentSmsFinder(restClient),
    fetchMessageStatus: createMessageStatusFetcher(restClient),
    statusCallbackUrl: options.statusCallbackUrl,
    settings: options.settings,
    log: options.log.child({ component: 'activities' }),
    ...(options.metrics ? { metrics: workerMetrics(options.metrics) } : {}),
  });
  const graceMs = (options.shutdownGraceSeconds ?? 0) * 1000;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities,
    // Draining: polling stops at once; in-flight work gets the grace period, then is cancelled;
    // and the worker stops for sure a little later (our activities do not heartbeat, so a
    // cancelled one may not notice), so a SIGTERM always ends the process.
    shutdownGraceTime: graceMs,
    shutdownForceTime: graceMs + SHUTDOWN_FORCE_AFTER_GRACE_MS,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
