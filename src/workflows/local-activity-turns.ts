// Local activities one at a time within a run. Why: while two are pending at once, their results
// reach the workflow in the order they finished the first time, but in the order they were
// scheduled on replay, so the fibers awaiting them resume in another order and schedule their
// next commands in another order — a nondeterminism error (the SDKs' known limit, e.g.
// temporalio/sdk-python#1573). The conversation has two fibers that call local activities: its
// job queue and its outbox (a send's first attempt). With one local activity pending at a time,
// each result is the only one there is to deliver, in execution and in replay alike.
// Written by hand: a promise chain is the whole of it, and workflow code may not use timers or
// I/O-based locks from a library.

export class LocalActivityTurns {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every call given before it has settled. */
  take<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** The same activities, each call waiting its turn. */
  oneAtATime<T extends object>(activities: T): T {
    // A Proxy, because the SDK's activity proxies are too: they have no keys to copy.
    return new Proxy(activities, {
      get: (target, name) => {
        const call = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
        if (typeof name !== 'string' || typeof call !== 'function') return call;
        return (...args: unknown[]) => this.take(() => call(...args));
      },
    });
  }
}
