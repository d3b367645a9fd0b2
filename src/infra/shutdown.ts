// Ordered clean shutdown: resources stop in the reverse order they started, once, on the
// first SIGINT/SIGTERM; a second signal exits at once. `signal` is aborted as stopping begins,
// so a wait for a service that is not there yet (wait-for-service.ts) ends at once too.
import type { Logger } from './logger.ts';

export class ShutdownStack {
  private readonly steps: { name: string; stop: () => Promise<unknown> }[] = [];
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly log: Logger) {}

  /** Aborted when stopping begins. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopRequested(): boolean {
    return this.abort.signal.aborted;
  }

  add(name: string, stop: () => Promise<unknown>): void {
    this.steps.push({ name, stop });
  }

  stopAll(): Promise<void> {
    if (!this.abort.signal.aborted) this.abort.abort(new ShutdownRequested());
    this.stopping ??= (async () => {
      for (const step of [...this.steps].reverse()) {
        try {
          await step.stop();
          this.log.debug({ step: step.name }, 'stopped');
        } catch (error) {
          this.log.warn({ err: error, step: step.name }, 'error while stopping');
        }
      }
    })();
    return this.stopping;
  }

  exitOnSignals(): void {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(130);
      signalled = true;
      this.log.info({ signal }, 'shutting down');
      void this.stopAll().then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
}

/** The reason `ShutdownStack.signal` is aborted with: a requested stop, not a failure. */
export class ShutdownRequested extends Error {
  override name = 'ShutdownRequested';
  constructor() {
    super('shutting down');
  }
}
