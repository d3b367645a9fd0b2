// The benchmark's handle on its load-generator child process (load-process.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, WebhookJob, WebhookJobResult } from './load-protocol.ts';

const CHILD = fileURLToPath(new URL('./load-process.ts', import.meta.url));

export class WebhookLoadGenerator {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: WebhookJobResult) => void; reject: (error: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.type === 'result') waiter?.resolve(message.result);
      else waiter?.reject(new Error(`load generator: ${message.message}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`load generator exited (code ${code})`));
      this.waiting.clear();
    });
  }

  /** Forks the child with this process's loader (tsx), and waits until it is listening. */
  static async start(): Promise<WebhookLoadGenerator> {
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`load generator exited during start (code ${code})`)));
    });
    return new WebhookLoadGenerator(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  run(job: WebhookJob): Promise<WebhookJobResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ type: 'run', id, job } satisfies ParentMessage);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'exit' } satisfies ParentMessage);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    if (this.child.exitCode === null) this.child.kill();
  }
}
