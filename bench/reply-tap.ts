// Knows when each outbound message (an auto-reply) reached the Twilio emulator, without asking
// the emulator for its whole message list (a deep copy of every message, too costly to poll
// under load). The emulator logs "message accepted" with the SID at the moment it accepts a
// Messages API POST; this is the logger the benchmark hands it, so every acceptance is timed
// here as it happens. Anything above info still reaches stderr like a normal warn-level log.
import { pino, type Logger } from 'pino';
import { epochMs, sleep } from './clock.ts';

const ACCEPTED = 'message accepted';
const WARN = 40;

export class ReplyTap {
  /** Arrival time (epoch ms) of every message the emulator accepted, by SID. */
  readonly arrivals = new Map<string, number>();

  /** A pino logger for the emulator; its records come back to this tap. */
  logger(): Logger {
    return pino({ level: 'info', base: null, timestamp: false }, { write: (line: string) => this.onLine(line) });
  }

  get accepted(): number {
    return this.arrivals.size;
  }

  /** Whether the emulator's acceptance log line was ever seen (else callers fall back to polling). */
  get working(): boolean {
    return this.arrivals.size > 0;
  }

  /**
   * Resolves true once `total` messages were accepted, false at the deadline. `fallbackCount`
   * (the emulator's own list) is asked at most every 2 s, and only while the tap has seen
   * nothing, so the benchmark still finishes if the log line is ever reworded.
   */
  async waitForAccepted(total: number, timeoutMs: number, fallbackCount: () => number): Promise<boolean> {
    const deadline = epochMs() + timeoutMs;
    let nextFallback = 0;
    for (;;) {
      if (this.accepted >= total) return true;
      if (!this.working && epochMs() >= nextFallback) {
        if (fallbackCount() >= total) return true;
        nextFallback = epochMs() + 2_000;
      }
      if (epochMs() >= deadline) return false;
      await sleep(50);
    }
  }

  private onLine(line: string): void {
    const at = epochMs();
    let record: { msg?: string; messageSid?: string; level?: number };
    try {
      record = JSON.parse(line) as typeof record;
    } catch {
      return;
    }
    if (record.msg === ACCEPTED && record.messageSid) this.arrivals.set(record.messageSid, at);
    else if ((record.level ?? 0) >= WARN) process.stderr.write(line);
  }
}
