// Plays the carrier side of an accepted message: moves it to `sent` and then to its final
// outcome, POSTing a signed status callback for each step. Steps of one message run strictly in
// order (each callback is awaited before the next); different messages progress independently.
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { MessageStore } from './message-store.ts';
import { API_VERSION } from './message-resource.ts';
import { logSafeUrl } from './log-safe-url.ts';
import { postSignedForm } from './signed-form-post.ts';
import { toRawDlrDoneDate } from './twilio-dates.ts';
import type { DeliveryOutcome, EmulatedMessage } from './types.ts';

const ERROR_CODES: Record<DeliveryOutcome, number | null> = {
  delivered: null,
  undelivered: 30003,
  failed: 30008,
};

export interface DeliverySimulatorDeps {
  store: MessageStore;
  authToken: string;
  delayMs: number;
  logger: Logger;
}

export class DeliverySimulator {
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: DeliverySimulatorDeps) {
    // Every in-flight delivery listens on this one signal; hundreds at once are normal under load.
    setMaxListeners(0, this.stopping.signal);
  }

  /** `dropCallbacks`: the message progresses as usual but no status callback is posted. */
  start(message: EmulatedMessage, outcome: DeliveryOutcome, { dropCallbacks = false } = {}): void {
    const run = this.run(message, outcome, dropCallbacks).catch((error: unknown) => {
      if (!this.stopping.signal.aborted) {
        this.deps.logger.error({ err: error, messageSid: message.sid }, 'delivery simulation failed');
      }
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Cancels pending steps and waits for in-flight callbacks to stop. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  private async run(message: EmulatedMessage, outcome: DeliveryOutcome, dropCallbacks: boolean): Promise<void> {
    // A `failed` message never reached the carrier, so Twilio reports no `sent` before it.
    const steps: Array<'sent' | DeliveryOutcome> = outcome === 'failed' ? ['failed'] : ['sent', outcome];
    for (const status of steps) {
      await delay(this.deps.delayMs, undefined, { signal: this.stopping.signal });
      const now = new Date();
      const errorCode = status === 'sent' ? null : ERROR_CODES[status];
      if (message.statusCallback && !dropCallbacks) {
        await this.postCallback(message, status, errorCode, now);
      }
      // The stored status moves only after its callback was answered, so a test that waits for a
      // status knows the app has already been told.
      this.deps.store.update(message.sid, {
        status,
        errorCode,
        dateUpdated: now.toISOString(),
        ...(status === 'sent' ? { dateSent: now.toISOString() } : {}),
      });
    }
  }

  private async postCallback(
    message: EmulatedMessage,
    status: string,
    errorCode: number | null,
    now: Date,
  ): Promise<void> {
    const url = message.statusCallback!;
    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: API_VERSION,
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
      ...(message.from ? { From: message.from } : {}),
      ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
      ...(errorCode !== null ? { ErrorCode: String(errorCode) } : {}),
      ...(status === 'delivered' ? { RawDlrDoneDate: toRawDlrDoneDate(now) } : {}),
    };
    try {
      const response = await postSignedForm({
        url,
        params,
        authToken: this.deps.authToken,
        signal: this.stopping.signal,
      });
      const log = response.status >= 200 && response.status < 300 ? 'debug' : 'warn';
      this.deps.logger[log](
        { messageSid: message.sid, status, url: logSafeUrl(url), httpStatus: response.status },
        'status callback answered',
      );
    } catch (error) {
      if (this.stopping.signal.aborted) throw error;
      // Twilio does not retry failed status callbacks either; the message still progresses.
      this.deps.logger.warn(
        { err: error, messageSid: message.sid, status, url: logSafeUrl(url) },
        'status callback failed',
      );
    }
  }
}
