// The conversation's outbox: messages already recorded (`pending`) wait here for Twilio, one at a
// time and in order, outside the conversation's job queue — so a Twilio outage, with its minutes
// of retries, never holds up customers' texts or agents' actions behind a send.
import { condition } from '@temporalio/workflow';
import type { OutboundMessageResult } from '../shared/conversation-types.ts';

export type SendOutcome = { ok: true; result: OutboundMessageResult } | { ok: false; error: unknown };

export interface OutboxItem<Input> {
  input: Input;
  /** Set once Twilio accepted or refused the message, or its retries ran out. */
  outcome?: SendOutcome;
}

export class Outbox<Input> {
  private readonly items: OutboxItem<Input>[] = [];

  constructor(private readonly deliver: (input: Input) => Promise<SendOutcome>) {}

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  get size(): number {
    return this.items.length;
  }

  add(input: Input): OutboxItem<Input> {
    const item: OutboxItem<Input> = { input };
    this.items.push(item);
    return item;
  }

  /** Runs for the whole run: sends the oldest message, then the next. `deliver` never throws. */
  async drain(): Promise<never> {
    for (;;) {
      await condition(() => this.items.length > 0);
      const item = this.items[0]!;
      item.outcome = await this.deliver(item.input);
      this.items.shift();
    }
  }
}

/** Waits up to `timeoutMs` for an item's outcome; undefined if it is still being sent. */
export async function outcomeWithin(item: { outcome?: SendOutcome }, timeoutMs: number): Promise<SendOutcome | undefined> {
  // Only wait (a timer in history) when there is something to wait for.
  if (!item.outcome) await condition(() => item.outcome !== undefined, timeoutMs);
  return item.outcome;
}
