// Ordered clean shutdown: resources stop in the reverse order they started, once, on the
// first SIGINT/SIGTERM; a second signal exits at once.
import type { Logger } from './logger.ts';

export class ShutdownStack {
  private readonly steps: { name: string; stop: () => Promise<unknown> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  add(name: string, stop: () => Promise<unknown>): void {
    this.steps.push({ name, stop });
  }

  stopAll(): Promise<void> {
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
