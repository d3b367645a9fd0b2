// Names the resource that ran out first, from where the CPU went at the highest rate tried.
// Only CPU is measured; when nothing is near saturation the limit is a serialization point
// (a single database session, a concurrency cap, round trips) and the finding says so.
import type { CpuSplit } from './cpu-meter.ts';
import type { ProfileSummary } from './cpu-profile.ts';

export interface BottleneckFinding {
  component: string;
  evidence: string;
}

const SATURATED = 0.85;
/** Two processes sharing two cores stop scaling well before 100 %: one hot thread, scheduling. */
const MACHINE_SATURATED = 0.8;
const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;

export function nameBottleneck(cpu: CpuSplit, cpuMsPerText: number, databaseKind: string, profile?: ProfileSummary): BottleneckFinding {
  const { cores, machineCores, mainEventLoopUtilization: elu } = cpu;
  // Other people's work on a shared machine is reported, never named as our bottleneck.
  const disturbed = cores.otherOnMachine >= 0.3 ? ` (disturbed: other processes used ${cores.otherOnMachine.toFixed(2)} cores)` : '';
  const consumers: Array<[string, number]> = [
    ['this Node process (API + worker + emulator' + (databaseKind.includes('PGlite') ? ' + PGlite' : '') + ')', cores.benchProcess],
    ['Temporal dev server', cores.temporalServer ?? 0],
    ['PostgreSQL server processes', cores.postgres ?? 0],
    ['load generator (Twilio stand-in)', cores.loadGenerator ?? 0],
  ];
  consumers.sort((a, b) => b[1] - a[1]);
  const split = [...consumers, ['other processes on the machine', cores.otherOnMachine] as const].map(([name, used]) => `${name} ${used.toFixed(2)}`).join(', ');
  const topThreads = Object.entries(cpu.threads)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, used]) => `${name} ${used.toFixed(2)}`)
    .join(', ');
  const others = cpu.topOtherProcesses.map((other) => `${other.name} (pid ${other.pid}) ${other.cores.toFixed(2)}`).join(', ');
  const capacity = cpuMsPerText > 0 ? (machineCores * 1000) / cpuMsPerText : 0;
  const detail =
    `One text (with its reply and status callbacks) costs ${cpuMsPerText.toFixed(0)} ms of CPU (highest step whose replies all arrived): at most ≈${capacity.toFixed(1)} texts/s on ${machineCores} cores even at 100 %. ` +
    `CPU in cores (of ${machineCores}): ${split}; machine busy ${cores.machineBusy.toFixed(2)}. Main event loop busy ${pct(elu)} of wall time, ${(cpu.threads['main (event loop)'] ?? 0).toFixed(2)} cores of CPU. ` +
    `Busiest threads of this process: ${topThreads}.` +
    (others ? ` Not ours: ${others}.` : '') +
    (profile ? ` Main thread time: ${profile.shares.filter((share) => share.percent >= 3).map((share) => `${share.category} ${share.percent}%`).join(', ')}.` : '');

  // Utilisation counts time the thread was runnable but had no core, so on a contended machine
  // it overstates; the thread's own CPU time says whether it really was the limit.
  const mainThreadCores = cpu.threads['main (event loop)'] ?? 0;
  if (mainThreadCores >= SATURATED) {
    const busiest = profile?.shares.find((share) => share.category !== 'idle');
    return {
      component:
        `the main event loop of this Node process (one thread runs the API, every activity${databaseKind.includes('PGlite') ? ', the emulator and PGlite' : ' and the emulator'})` +
        (busiest ? `, mostly in ${busiest.category}` : '') +
        disturbed,
      evidence: detail,
    };
  }
  if (cores.machineBusy >= MACHINE_SATURATED * machineCores) {
    const [name] = consumers[0]!;
    return {
      component: `machine CPU (${pct(cores.machineBusy / machineCores)} of ${machineCores} cores busy); our largest consumer is ${name}${disturbed}`,
      evidence: detail,
    };
  }
  const single = consumers.find(([, used]) => used >= SATURATED);
  if (single) return { component: `${single[0]} (about one core, likely one hot thread)${disturbed}`, evidence: detail };
  return {
    component: `no CPU resource saturated: the limit is a serialization point (one database session, worker task slots, or round trips per message)${disturbed}`,
    evidence: detail,
  };
}
