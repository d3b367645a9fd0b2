// Reads CPU time and memory of the processes that make up the stack from /proc (Linux), so a
// run can say which process (and which thread of this one) the CPU went to.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
export function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime, in seconds. */
  cpuSeconds: number;
}

/** /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat; undefined once the process is gone. */
export function readStat(path: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  // comm is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return {
    comm: text.slice(open + 1, close),
    ppid: Number(fields[1]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond(),
  };
}

export function processCpuSeconds(pid: number): number | undefined {
  return readStat(`/proc/${pid}/stat`)?.cpuSeconds;
}

/** Resident set size in bytes (VmRSS), undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export function pids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/**
 * The `temporal server start-dev` process serving `port`. The SDK spawns it from this process,
 * so a child of ours is preferred; any process with that command line and port will do.
 */
export function findTemporalServerPid(port: number): number | undefined {
  const candidates = pids().filter((pid) => {
    const args = cmdline(pid);
    const portAt = args.indexOf('--port');
    return args.includes('start-dev') && (portAt < 0 || args[portAt + 1] === String(port));
  });
  return candidates.find((pid) => readStat(`/proc/${pid}/stat`)?.ppid === process.pid) ?? candidates[0];
}

/** Every PostgreSQL server process on this machine (postmaster and backends). */
export function findPostgresPids(): number[] {
  return pids().filter((pid) => {
    const stat = readStat(`/proc/${pid}/stat`);
    return stat?.comm === 'postgres' || (stat !== undefined && cmdline(pid)[0]?.startsWith('postgres:') === true);
  });
}

/**
 * CPU seconds of this process's threads, summed by thread name: the Node main thread (API,
 * activities, emulator, PGlite all run their JavaScript there), workflow threads, libuv's pool,
 * V8's helpers, the Temporal core SDK's Rust threads.
 */
export function threadCpuSeconds(pid = process.pid): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    const name = Number(tid) === pid ? 'main (event loop)' : stat.comm;
    byName.set(name, (byName.get(name) ?? 0) + stat.cpuSeconds);
  }
  return byName;
}

/** Busy and total CPU seconds of the whole machine since boot, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle + iowait are not busy.
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() };
}

/** A short, recognisable name for a process: its program and the script or subcommand it runs. */
export function describeProcess(pid: number): string {
  const args = cmdline(pid);
  if (args.length === 0) return readStat(`/proc/${pid}/stat`)?.comm ?? String(pid);
  const program = args[0]!.split('/').pop()!;
  const script = args.slice(1).find((arg) => !arg.startsWith('-'));
  const tail = script ? ` ${script.split('/').slice(-2).join('/')}` : '';
  return `${program}${tail}`.slice(0, 60);
}
