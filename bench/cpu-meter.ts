// Where the CPU went during a measurement window, split by process (this Node process — API,
// worker, emulator and, by default, PGlite —, the Temporal dev server, PostgreSQL's processes
// when DATABASE_URL is used, the load-generator child) and, inside this process, by thread.
// Numbers are in cores: CPU-seconds per wall-clock second (2.0 = both cores of this machine).
import os from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { epochMs } from './clock.ts';
import { describeProcess, findPostgresPids, machineCpuSeconds, pids, processCpuSeconds, threadCpuSeconds } from './process-stats.ts';

export interface CpuSplit {
  wallSeconds: number;
  machineCores: number;
  cores: {
    /** Worker + API + emulator (+ PGlite) in this Node process, all its threads. */
    benchProcess: number;
    temporalServer: number | null;
    postgres: number | null;
    loadGenerator: number | null;
    /** Busy CPU on the machine not accounted to any of the above. */
    otherOnMachine: number;
    machineBusy: number;
  };
  /** The busiest processes outside the stack during the window (a shared machine's other work). */
  topOtherProcesses: Array<{ pid: number; name: string; cores: number }>;
  /** This process's threads by name, in cores. */
  threads: Record<string, number>;
  /** Share of wall time the main event loop was busy (0–1): API, activities, emulator, PGlite. */
  mainEventLoopUtilization: number;
}

interface Snapshot {
  at: number;
  self: NodeJS.CpuUsage;
  threads: Map<string, number>;
  temporal: number | undefined;
  postgres: Map<number, number>;
  loadGenerator: number | undefined;
  machine: { busy: number; total: number };
  elu: EventLoopUtilization;
  everyProcess: Map<number, number>;
}

export interface MeteredProcesses {
  temporalServerPid?: number;
  loadGeneratorPid?: number;
  /** Read PostgreSQL server processes (only when DATABASE_URL is in use). */
  postgres: boolean;
}

export class CpuMeter {
  constructor(private readonly processes: MeteredProcesses) {}

  start(): Snapshot {
    return this.snapshot();
  }

  stop(start: Snapshot): CpuSplit {
    const end = this.snapshot();
    const wall = (end.at - start.at) / 1000;
    const perWall = (seconds: number) => Math.round((seconds / wall) * 1000) / 1000;
    const selfSeconds = (end.self.user - start.self.user + end.self.system - start.self.system) / 1e6;
    const delta = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : b - a);
    const temporal = delta(start.temporal, end.temporal);
    const loadGenerator = delta(start.loadGenerator, end.loadGenerator);
    let postgres: number | null = null;
    if (this.processes.postgres) {
      postgres = 0;
      // Backends that appeared during the window count from zero; ones that vanished are lost.
      for (const [pid, seconds] of end.postgres) postgres += seconds - (start.postgres.get(pid) ?? 0);
    }
    const machineBusy = end.machine.busy - start.machine.busy;
    const accounted = selfSeconds + (temporal ?? 0) + (postgres ?? 0) + (loadGenerator ?? 0);
    const threads: Record<string, number> = {};
    for (const [name, seconds] of end.threads) {
      const used = seconds - (start.threads.get(name) ?? 0);
      if (used > 0) threads[name] = perWall(used);
    }
    const ours = new Set<number>([process.pid, ...end.postgres.keys()]);
    if (this.processes.temporalServerPid) ours.add(this.processes.temporalServerPid);
    if (this.processes.loadGeneratorPid) ours.add(this.processes.loadGeneratorPid);
    const topOtherProcesses = [...end.everyProcess]
      .filter(([pid]) => !ours.has(pid))
      .map(([pid, seconds]) => ({ pid, used: seconds - (start.everyProcess.get(pid) ?? 0) }))
      .filter(({ used }) => used / wall >= 0.05)
      .sort((a, b) => b.used - a.used)
      .slice(0, 3)
      .map(({ pid, used }) => ({ pid, name: describeProcess(pid), cores: perWall(used) }));
    return {
      wallSeconds: Math.round(wall * 100) / 100,
      machineCores: os.availableParallelism(),
      cores: {
        benchProcess: perWall(selfSeconds),
        temporalServer: temporal === null ? null : perWall(temporal),
        postgres: postgres === null ? null : perWall(postgres),
        loadGenerator: loadGenerator === null ? null : perWall(loadGenerator),
        otherOnMachine: perWall(Math.max(0, machineBusy - accounted)),
        machineBusy: perWall(machineBusy),
      },
      topOtherProcesses,
      threads,
      mainEventLoopUtilization: Math.round(performance.eventLoopUtilization(end.elu, start.elu).utilization * 1000) / 1000,
    };
  }

  private snapshot(): Snapshot {
    const everyProcess = new Map<number, number>();
    for (const pid of pids()) {
      const seconds = processCpuSeconds(pid);
      if (seconds !== undefined) everyProcess.set(pid, seconds);
    }
    const postgres = new Map<number, number>();
    if (this.processes.postgres) {
      for (const pid of findPostgresPids()) {
        const seconds = processCpuSeconds(pid);
        if (seconds !== undefined) postgres.set(pid, seconds);
      }
    }
    return {
      at: epochMs(),
      self: process.cpuUsage(),
      threads: threadCpuSeconds(),
      temporal: this.processes.temporalServerPid ? processCpuSeconds(this.processes.temporalServerPid) : undefined,
      postgres,
      loadGenerator: this.processes.loadGeneratorPid ? processCpuSeconds(this.processes.loadGeneratorPid) : undefined,
      machine: machineCpuSeconds(),
      elu: performance.eventLoopUtilization(),
      everyProcess,
    };
  }
}
