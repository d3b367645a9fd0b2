// Status callbacks the API did not take (it was down, or Temporal was and it answered 503) are
// posted again, as Twilio does when the callback URL carries connection overrides (`#rc`/`#rp`).
// The emulator itself posts each callback once; its warn log says which ones failed, so this
// reads that log instead of reaching into the emulator.
import { setTimeout as sleep } from 'node:timers/promises';
import { postSignedForm } from '../../../src/twilio-emulator/signed-form-post.ts';
import type { TwilioEmulator } from '../../../src/twilio-emulator/index.ts';

const MAX_ATTEMPTS = 40;

interface EmulatorLogLine {
  msg?: string;
  messageSid?: string;
  status?: string;
  httpStatus?: number;
}

export class StatusCallbackRedelivery {
  /** Callbacks the API did not answer 2xx the first time. */
  refused = 0;
  /** Of those, posted again until the API took them. */
  redelivered = 0;
  /** Of those, never taken (or not retried: redelivery off). */
  lost = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private emulator: TwilioEmulator | undefined;
  private stopping = false;

  constructor(
    private readonly authToken: string,
    private readonly enabled: boolean,
    private readonly deadlineMs: number,
  ) {}

  attach(emulator: TwilioEmulator): void {
    this.emulator = emulator;
  }

  /** A pino destination for the emulator's logger (level warn). */
  destination(): { write(chunk: string): void } {
    return {
      write: (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (!line.trim()) continue;
          let entry: EmulatorLogLine;
          try {
            entry = JSON.parse(line) as EmulatorLogLine;
          } catch {
            continue;
          }
          this.onLogLine(entry);
        }
      },
    };
  }

  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private onLogLine(entry: EmulatorLogLine): void {
    const failed =
      (entry.msg === 'status callback answered' && (entry.httpStatus ?? 0) >= 300) || entry.msg === 'status callback failed';
    if (!failed || !entry.messageSid || !entry.status || this.stopping) return;
    this.refused++;
    if (!this.enabled) {
      this.lost++;
      return;
    }
    const run = this.redeliver(entry.messageSid, entry.status);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private async redeliver(messageSid: string, status: string): Promise<void> {
    const deadline = Date.now() + this.deadlineMs;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && Date.now() < deadline && !this.stopping; attempt++) {
      await sleep(Math.min(4_000, 250 * 2 ** (attempt - 1)));
      const message = this.emulator?.messages().find((candidate) => candidate.sid === messageSid);
      if (!message?.statusCallback) break;
      const params: Record<string, string> = {
        AccountSid: message.accountSid,
        ApiVersion: '2010-04-01',
        MessageSid: message.sid,
        MessageStatus: status,
        SmsSid: message.sid,
        SmsStatus: status,
        To: message.to,
        ...(message.from ? { From: message.from } : {}),
        ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
        ...(status !== 'sent' && message.errorCode !== null ? { ErrorCode: String(message.errorCode) } : {}),
      };
      try {
        const response = await postSignedForm({ url: message.statusCallback, params, authToken: this.authToken });
        if (response.status >= 200 && response.status < 300) {
          this.redelivered++;
          return;
        }
      } catch {
        // the API is still down: try again
      }
    }
    this.lost++;
  }
}
