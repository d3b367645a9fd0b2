// Command-line options of `npm run bench`. --quick picks small defaults so a smoke run ends in
// well under two minutes; any explicit option still wins over them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const SCENARIOS = ['ack', 'reply', 'agent-events', 'throughput', 'minimal', 'conversations'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Offered rate (webhooks/s) for the latency scenarios 1–3. */
  rate: number;
  /** How long the latency scenarios offer that rate. */
  durationSeconds: number;
  /** Distinct customer numbers per phase of scenarios 1, 2 and 4 (cycled). */
  customers: number;
  /** Conversations kept open in scenario 5. */
  conversations: number;
  /** Rate at which scenario 5 opens them; default: below what the worker was seen to keep up with. */
  fillRate: number | undefined;
  /** How long each throughput step holds its rate. */
  stepSeconds: number;
  startRate: number;
  rateFactor: number;
  maxRate: number;
  maxSteps: number;
  /** Longest wait for outstanding replies after a phase. */
  drainSeconds: number;
  /** Offered rate (texts/s) of the product-versus-minimal-pipeline latency comparison. */
  compareRate: number;
  /**
   * Rounds of that comparison, alternating which pipeline goes first (product–minimal, then
   * minimal–product, …); its figures are over every round's texts.
   */
  compareRounds: number;
  /** Samples per floor round trip, and texts per group in scenario 5's old/recent probe. */
  probes: number;
  scenarios: Set<ScenarioName>;
  resultsDir: string;
  /** CPU-profile the main thread during each throughput step (on unless --no-profile). */
  profile: boolean;
}

const USAGE = `npm run bench -- [options]

  --quick                 small sizes and short steps: a smoke run (< 2 min)
  --rate N                offered webhooks/s for the latency scenarios (default 5: below what a 2-core machine keeps up with)
  --duration S            seconds the latency scenarios offer that rate (default 30; quick 5)
  --customers N           distinct customers per phase (default 2000; quick 200)
  --conversations N       open conversations for scenario 5 (default 10000; quick 300)
  --fill-rate N           webhooks/s used to open them (default: below the rate replies kept up with)
  --step-seconds S        hold time of each throughput step (default 60; quick 5)
  --start-rate N          first throughput step (default 5)
  --rate-factor F         next step = previous × F (default 1.5; quick 2)
  --max-rate N            highest step tried (default 2000)
  --max-steps N           most steps tried (default 10; quick 3)
  --drain S               longest wait for outstanding replies after a phase (default 60; quick 10)
  --compare-rate N        texts/s of the product vs minimal pipeline latency comparison (default 10)
  --compare-rounds N      rounds of that comparison, each pipeline --duration s per round, the
                          order alternating (default 2; 1 with --quick)
  --probes N              samples per floor round trip / texts per probe group (default 100; quick 20)
  --no-profile            do not CPU-profile the main thread during throughput steps
  --only a,b              run only these scenarios: ${SCENARIOS.join(', ')}
  --results-dir DIR       where the JSON goes (default bench/results)
  --help
`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, got ${value}`);
  return number;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      rate: { type: 'string' },
      duration: { type: 'string' },
      customers: { type: 'string' },
      conversations: { type: 'string' },
      'fill-rate': { type: 'string' },
      'step-seconds': { type: 'string' },
      'start-rate': { type: 'string' },
      'rate-factor': { type: 'string' },
      'max-rate': { type: 'string' },
      'max-steps': { type: 'string' },
      drain: { type: 'string' },
      probes: { type: 'string' },
      'compare-rate': { type: 'string' },
      'compare-rounds': { type: 'string' },
      only: { type: 'string' },
      'no-profile': { type: 'boolean', default: false },
      'results-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick ?? false;
  const scenarios = new Set<ScenarioName>(SCENARIOS);
  if (values.only) {
    scenarios.clear();
    for (const name of values.only.split(',').map((part) => part.trim())) {
      if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario "${name}" (known: ${SCENARIOS.join(', ')})`);
      scenarios.add(name as ScenarioName);
    }
  }
  const rateFactor = positive('rate-factor', values['rate-factor'], quick ? 2 : 1.5);
  if (rateFactor <= 1) throw new Error('--rate-factor must be above 1');
  return {
    quick,
    rate: positive('rate', values.rate, 5),
    durationSeconds: positive('duration', values.duration, quick ? 5 : 30),
    customers: Math.round(positive('customers', values.customers, quick ? 200 : 2000)),
    conversations: Math.round(positive('conversations', values.conversations, quick ? 300 : 10_000)),
    fillRate: values['fill-rate'] === undefined ? undefined : positive('fill-rate', values['fill-rate'], 1),
    stepSeconds: positive('step-seconds', values['step-seconds'], quick ? 5 : 60),
    startRate: positive('start-rate', values['start-rate'], 5),
    rateFactor,
    maxRate: positive('max-rate', values['max-rate'], 2000),
    maxSteps: Math.round(positive('max-steps', values['max-steps'], quick ? 3 : 10)),
    drainSeconds: positive('drain', values.drain, quick ? 10 : 60),
    compareRate: positive('compare-rate', values['compare-rate'], 10),
    compareRounds: Math.max(1, Math.round(positive('compare-rounds', values['compare-rounds'], quick ? 1 : 2))),
    probes: Math.round(positive('probes', values.probes, quick ? 20 : 100)),
    scenarios,
    profile: !values['no-profile'],
    resultsDir: path.resolve(values['results-dir'] ?? fileURLToPath(new URL('./results', import.meta.url))),
  };
}

export { USAGE };
