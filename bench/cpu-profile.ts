// A CPU profile of this process's main thread (where the API, every activity, the emulator and
// PGlite run their JavaScript and WASM) over a window, summarised by what the time was spent in,
// so "the event loop is busy" becomes "the event loop is busy in PGlite / Prisma / Koa / …".
// The raw profile is kept (.cpuprofile, opens in Chrome DevTools) next to the JSON results.
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  sampledSeconds: number;
  /** Share of the main thread's time per category, idle included; largest first. */
  shares: Array<{ category: string; percent: number }>;
}

/** Ordered: the first match wins. */
const CATEGORIES: Array<[string, (url: string, fn: string) => boolean]> = [
  ['idle', (url, fn) => fn === '(idle)'],
  ['garbage collection', (url, fn) => fn === '(garbage collector)'],
  ['V8 (program)', (url, fn) => fn === '(program)'],
  // The only WebAssembly in this process is PGlite's Postgres.
  ['PGlite (Postgres in WASM)', (url) => url.includes('@electric-sql/pglite') || url.startsWith('wasm://')],
  ['Prisma client + adapter', (url) => url.includes('@prisma/') || url.includes('/generated/prisma/')],
  ['node-postgres driver', (url) => /\/node_modules\/(pg|pg-protocol|pg-pool|pg-types)\//.test(url)],
  ['Temporal SDK (worker, client, gRPC)', (url) => url.includes('@temporalio/') || url.includes('@grpc/') || url.includes('protobufjs')],
  ['twilio-node (signatures, REST client)', (url) => url.includes('/node_modules/twilio/') || url.includes('/node_modules/axios/')],
  ['Koa + body parsing', (url) => /\/node_modules\/(koa|@koa|co-body|raw-body|qs|formidable)\//.test(url)],
  ['pino logging', (url) => url.includes('/node_modules/pino')],
  ['zod validation', (url) => url.includes('/node_modules/zod/')],
  ['tsx loader', (url) => url.includes('/node_modules/tsx/')],
  ['application code (src/)', (url) => url.includes('/src/')],
  ['benchmark code (bench/)', (url) => url.includes('/bench/')],
  ['Node.js internals (http, streams, timers)', (url) => url.startsWith('node:')],
  ['other libraries', (url) => url.includes('/node_modules/')],
  ['Node native bindings (socket writes, HTTP parser, postMessage)', (url) => url === ''],
  ['other', () => true],
];

function categoryOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  return CATEGORIES.find(([, matches]) => matches(url, functionName))![0];
}

export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const micros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const category = categoryOf(node);
    micros.set(category, (micros.get(category) ?? 0) + delta);
    total += delta;
  });
  return {
    sampledSeconds: Math.round(total / 1e4) / 100,
    shares: [...micros]
      .map(([category, value]) => ({ category, percent: Math.round((value / Math.max(total, 1)) * 1000) / 10 }))
      .sort((a, b) => b.percent - a.percent),
  };
}

export class MainThreadProfiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    // 1 ms sampling: fine enough for per-message costs, cheap enough not to move the results much.
    await this.session.post('Profiler.setSamplingInterval', { interval: 1000 });
    await this.session.post('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const { profile } = (await this.session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    return profile;
  }
}
