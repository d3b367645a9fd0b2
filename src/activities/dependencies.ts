import type { Database } from '../infra/database.ts';
import type { Logger } from '../infra/logger.ts';
import type { WorkerMetrics } from '../metrics/worker-metrics.ts';
import type { ConversationSettings } from '../shared/conversation-types.ts';
import type { FetchMessageStatus } from '../twilio/fetch-message-status.ts';
import type { FindSentSms, SendSms } from '../twilio/send-sms.ts';

export interface ActivityDependencies {
  db: Database;
  sendSms: SendSms;
  /**
   * The same send with a short HTTP timeout, for a send's first attempt (a local activity: its
   * workflow task waits for it, and agents' updates with it). Absent: `sendSms`.
   */
  sendSmsFirstAttempt?: SendSms;
  /** Looks for a message Twilio already accepted, to settle a send whose answer was lost. */
  findSentSms: FindSentSms;
  /** Asks Twilio where one message stands, for delivery reconciliation. */
  fetchMessageStatus: FetchMessageStatus;
  /** Our status webhook's public URL, handed to Twilio with every send. */
  statusCallbackUrl: string;
  settings: ConversationSettings;
  log: Logger;
  /** Where sends, opt-outs and parked jobs are counted; absent: counted into a registry nobody reads. */
  metrics?: WorkerMetrics;
}
