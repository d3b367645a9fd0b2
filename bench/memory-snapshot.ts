// Memory of the processes that make up the stack. A full garbage collection of this process's
// heap first, so the number reflects what is live (the open conversations), not what the
// collector has not got round to yet.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { MeteredProcesses } from './cpu-meter.ts';
import { findPostgresPids, rssBytes } from './process-stats.ts';

let gc: (() => void) | undefined;

/** V8's gc(), made available at run time rather than through a --expose-gc command-line flag. */
function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose_gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

export interface MemorySnapshot {
  benchProcessRssMiB: number;
  benchProcessHeapUsedMiB: number;
  temporalServerRssMiB: number | null;
  postgresRssMiB: number | null;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export function memorySnapshot(processes: MeteredProcesses): MemorySnapshot {
  collectGarbage();
  const temporal = processes.temporalServerPid ? rssBytes(processes.temporalServerPid) : undefined;
  let postgres: number | null = null;
  if (processes.postgres) {
    // Shared buffers are counted once per process that touched them: an upper bound.
    postgres = findPostgresPids().reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
  }
  const usage = process.memoryUsage();
  return {
    benchProcessRssMiB: mib(usage.rss),
    benchProcessHeapUsedMiB: mib(usage.heapUsed),
    temporalServerRssMiB: temporal === undefined ? null : mib(temporal),
    postgresRssMiB: postgres === null ? null : mib(postgres),
  };
}
