// The emulator's memory of outbound messages, in acceptance order, with a change signal so
// tests can wait for a condition instead of sleeping.
import { EventEmitter } from 'node:events';
import type { EmulatedMessage } from './types.ts';

const CHANGED = 'changed';

export class MessageStore {
  private readonly ordered: EmulatedMessage[] = [];
  private readonly bySid = new Map<string, EmulatedMessage>();
  private readonly changes = new EventEmitter();

  constructor() {
    // Every pending waitFor() holds one listener; many concurrent waits are normal in tests.
    this.changes.setMaxListeners(0);
  }

  add(message: EmulatedMessage): void {
    this.ordered.push(message);
    this.bySid.set(message.sid, message);
    this.changes.emit(CHANGED);
  }

  update(sid: string, patch: Partial<Omit<EmulatedMessage, 'sid'>>): void {
    const message = this.bySid.get(sid);
    if (!message) return;
    Object.assign(message, patch);
    this.changes.emit(CHANGED);
  }

  get(sid: string): EmulatedMessage | undefined {
    const message = this.bySid.get(sid);
    return message && structuredClone(message);
  }

  /** Copies, so callers can keep or mutate them without touching the emulator's state. */
  all(): EmulatedMessage[] {
    return structuredClone(this.ordered);
  }

  waitFor(
    predicate: (messages: EmulatedMessage[]) => boolean,
    timeoutMs: number,
  ): Promise<EmulatedMessage[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let snapshot: EmulatedMessage[];
        let satisfied: boolean;
        try {
          snapshot = this.all();
          satisfied = predicate(snapshot);
        } catch (error) {
          finish();
          reject(error);
          return true;
        }
        if (!satisfied) return false;
        finish();
        resolve(snapshot);
        return true;
      };
      const onChange = () => void check();
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`waitForMessages timed out after ${timeoutMs} ms; messages: ${this.describe()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.changes.off(CHANGED, onChange);
      };
      if (!check()) this.changes.on(CHANGED, onChange);
    });
  }

  private describe(): string {
    if (this.ordered.length === 0) return '(none)';
    return this.ordered.map((m) => `${m.sid} to ${m.to}: ${m.status}`).join('; ');
  }
}
