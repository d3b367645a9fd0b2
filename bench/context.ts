// What every scenario is handed: the running stack, the load generator, the meters and options.
import type { BenchStack } from './bench-stack.ts';
import type { CpuMeter, MeteredProcesses } from './cpu-meter.ts';
import type { CustomerAllocator } from './customers.ts';
import type { BenchOptions } from './options.ts';
import type { WebhookLoadGenerator } from './webhook-load.ts';

export interface BenchContext {
  stack: BenchStack;
  load: WebhookLoadGenerator;
  meter: CpuMeter;
  processes: MeteredProcesses;
  customers: CustomerAllocator;
  options: BenchOptions;
  /** Running totals over every phase, for the run's pass/fail check. */
  tally: { webhooksAccepted: number; repliesReceived: number };
  /** Seconds left before the run must wrap up (--quick keeps under two minutes); Infinity otherwise. */
  remainingSeconds(): number;
  /** A progress line on stderr (stdout carries only the results table). */
  progress(message: string): void;
}
