// Builds the conversation worker from its dependencies; the caller decides where it runs
// (its own process in production, beside the API in the embedded start, in tests).
import { fileURLToPath } from 'node:url';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.ts';
import type { TwilioConfig } from '../config/config.ts';
import type { Database } from '../infra/database.ts';
import type { Logger } from '../infra/logger.ts';
import type { ConversationSettings } from '../shared/conversation-types.ts';
import { createTwilioRestClient } from '../twilio/rest-client.ts';
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
}

export async function createConversationWorker(options: ConversationWorkerOptions): Promise<Worker> {
  const restClient = createTwilioRestClient(options.twilio);
  const activities = createActivities({
    db: options.db,
    sendSms: createSmsSender(restClient, options.twilio),
    findSentSms: createSentSmsFinder(restClient),
    statusCallbackUrl: options.statusCallbackUrl,
    settings: options.settings,
    log: options.log.child({ component: 'activities' }),
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
