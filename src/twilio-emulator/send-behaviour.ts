// What a test has asked the emulated Twilio to do differently: opted-out recipients, delivery
// outcomes per number, injected HTTP failures for the next sends, and recipients whose status
// callbacks are lost (the message still progresses; only the app is never told).
import type { DeliveryOutcome } from './types.ts';

export class SendBehaviour {
  private readonly optedOut = new Set<string>();
  private readonly outcomes = new Map<string, DeliveryOutcome>();
  private readonly callbacksDropped = new Set<string>();
  private pendingFailures: { remaining: number; httpStatus: number } | undefined;

  markOptedOut(phoneNumber: string): void {
    this.optedOut.add(phoneNumber);
  }

  markOptedIn(phoneNumber: string): void {
    this.optedOut.delete(phoneNumber);
  }

  isOptedOut(phoneNumber: string): boolean {
    return this.optedOut.has(phoneNumber);
  }

  optedOutNumbers(): string[] {
    return [...this.optedOut];
  }

  setDeliveryOutcome(phoneNumber: string, outcome: DeliveryOutcome): void {
    this.outcomes.set(phoneNumber, outcome);
  }

  deliveryOutcome(phoneNumber: string): DeliveryOutcome {
    return this.outcomes.get(phoneNumber) ?? 'delivered';
  }

  /** Twilio's callbacks can be lost; delivery reconciliation exists for that, and is tested with this. */
  dropStatusCallbacks(phoneNumber: string): void {
    this.callbacksDropped.add(phoneNumber);
  }

  dropsStatusCallbacks(phoneNumber: string): boolean {
    return this.callbacksDropped.has(phoneNumber);
  }

  failNextSends(count: number, httpStatus: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
    if (!Number.isInteger(httpStatus) || httpStatus < 400 || httpStatus > 599) {
      throw new RangeError('httpStatus must be an HTTP error status (400-599)');
    }
    this.pendingFailures = count === 0 ? undefined : { remaining: count, httpStatus };
  }

  /** The HTTP status the current send must fail with, if a failure is pending; consumes one. */
  takeInjectedFailure(): number | undefined {
    const failures = this.pendingFailures;
    if (!failures) return undefined;
    failures.remaining -= 1;
    if (failures.remaining <= 0) this.pendingFailures = undefined;
    return failures.httpStatus;
  }
}
