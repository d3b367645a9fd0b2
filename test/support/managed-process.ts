// A child process a test (the fault test, the topology test) can SIGKILL and start again: it runs
// in its own process group (so a kill reaches everything it started), its stdout and stderr go to
// one log file for diagnosis, and an exit nobody asked for is logged loudly, counted and followed
// by a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcessOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Restart after an exit nobody asked for (bounded); default true. */
  restartOnExit?: boolean;
}

const MAX_UNEXPECTED_RESTARTS = 40;
const UNEXPECTED_RESTART_DELAY_MS = 1_000;
const EXIT_WAIT_MS = 15_000;

/** Every group started and not yet seen to exit, so a dying test process takes them along. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class ManagedProcess {
  readonly logFile: string;
  /** Starts, including the first. */
  starts = 0;
  /** SIGKILLs the test asked for. */
  kills = 0;
  /** Exits nobody asked for (crashes, "could not connect" exits), each followed by a restart. */
  readonly unexpectedExits: { at: Date; code: number | null; signal: NodeJS.Signals | null }[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private expectingExit = false;
  private stopped = false;
  private startedAt = 0;

  constructor(private readonly options: ManagedProcessOptions) {
    this.logFile = path.join(options.logDir, `${options.name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get name(): string {
    return this.options.name;
  }

  /** Milliseconds since the current process was started. */
  get uptimeMs(): number {
    return this.child ? Date.now() - this.startedAt : 0;
  }

  start(): void {
    if (this.stopped) return;
    if (this.child) throw new Error(`${this.name} is already running (pid ${this.child.pid})`);
    const fd = openSync(this.logFile, 'a');
    this.starts++;
    this.note(`start #${this.starts}`);
    let child: ChildProcess;
    try {
      child = spawn(this.options.command, this.options.args, {
        cwd: this.options.cwd,
        env: this.options.env,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    this.startedAt = Date.now();
    if (child.pid) live.add(child.pid);
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (child.pid) live.delete(child.pid);
        if (this.child === child) this.child = undefined;
        this.note(`exit pid ${child.pid} code ${code} signal ${signal}`);
        const expected = this.expectingExit || this.stopped;
        this.expectingExit = false;
        resolve();
        if (!expected) this.onUnexpectedExit(code, signal);
      });
    });
    child.once('error', (error) => this.note(`spawn error: ${error.message}`));
  }

  /** SIGKILL to the whole group, and wait until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.kills++;
    this.expectingExit = true;
    this.note(`SIGKILL pid ${child.pid} (kill #${this.kills})`);
    this.signalGroup(child.pid, 'SIGKILL');
    await this.waitForExit();
  }

  /** SIGKILL and start again at once. */
  async killAndRestart(): Promise<void> {
    await this.kill();
    this.start();
  }

  /** A clean stop: SIGTERM, then SIGKILL if it lingers. No restart afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child?.pid) return;
    this.signalGroup(child.pid, 'SIGTERM');
    const gone = await Promise.race([this.exited.then(() => true), sleep(EXIT_WAIT_MS).then(() => false)]);
    if (!gone && this.child?.pid) {
      this.signalGroup(this.child.pid, 'SIGKILL');
      await this.waitForExit();
    }
  }

  private async waitForExit(): Promise<void> {
    const gone = await Promise.race([this.exited.then(() => true), sleep(EXIT_WAIT_MS).then(() => false)]);
    if (!gone) throw new Error(`${this.name} did not exit within ${EXIT_WAIT_MS} ms of SIGKILL`);
  }

  private signalGroup(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  }

  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.unexpectedExits.push({ at: new Date(), code, signal });
    const count = this.unexpectedExits.length;
    console.warn(
      `!!! [test] ${this.name} exited on its own (code ${code}, signal ${signal}); unexpected exit #${count}. ` +
        `See ${this.logFile}. ${count <= MAX_UNEXPECTED_RESTARTS ? 'Restarting it.' : 'Too many: not restarting.'}`,
    );
    if (count > MAX_UNEXPECTED_RESTARTS) return;
    void sleep(UNEXPECTED_RESTART_DELAY_MS).then(() => {
      if (!this.stopped && !this.child) this.start();
    });
  }

  private note(line: string): void {
    try {
      appendFileSync(this.logFile, `\n=== [test ${new Date().toISOString()}] ${this.name}: ${line}\n`);
    } catch {
      // the log dir is gone (cleanup): nothing to record
    }
  }
}
