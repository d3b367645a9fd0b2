// "Nothing lost under faults": the API and the worker as separate processes on real PostgreSQL
// and a real Temporal server; customers' texts delivered at a steady rate (a third of them twice,
// concurrently); the worker SIGKILLed several times mid-flight, the Temporal server SIGKILLed and
// restarted once on the same port and history, the API SIGKILLed and restarted once. Then, once
// everything has settled: every acknowledged text stored once, answered exactly once as its rule
// says (or flagged), every reply at a final status, nothing sent to an opted-out number.
// Run with `npm run test:faults`; knobs in support/options.ts (FAULT_*).
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutcome, type CheckReport } from './support/checks.ts';
import { runFaults, type FaultRecord } from './support/fault-driver.ts';
import { startFaultStack, type FaultStack } from './support/fault-stack.ts';
import { formatFigures, type FigureRows } from './support/figures.ts';
import { deliverAll, emptyDeliveryFigures, type DeliveryFigures, type TextDelivery } from './support/load.ts';
import { faultOptions } from './support/options.ts';
import { planScripts } from './support/scripts.ts';
import { waitUntilSettled, type SettleResult } from './support/settle.ts';

const options = faultOptions();
const plan = planScripts(options);
const MAX_VIOLATIONS_SHOWN = 60;

let stack: FaultStack | undefined;
let db: pg.Client | undefined;
let passed = false;

const say = (line: string) => console.log(`[fault test] ${line}`);

beforeAll(async () => {
  const started = Date.now();
  stack = await startFaultStack(options);
  db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
  say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)}s; process logs in ${stack.dir}`);
});

afterAll(async () => {
  await db?.end().catch(() => undefined);
  await stack?.stop({ keepDatabase: !passed });
  if (stack && passed && !options.keepLogs) await rm(stack.dir, { recursive: true, force: true });
  else if (stack) say(`process logs and the Temporal history (temporal.sqlite) kept in ${stack.dir}`);
  if (stack && !passed) say(`database kept for diagnosis: ${stack.database.url.replace(/:[^:@/]+@/, ':***@')}`);
});

describe('nothing lost under faults', () => {
  it('stores every acknowledged text once and answers it exactly once while processes are killed', async () => {
    const s = stack!;
    const loadDurationMs = (options.texts / options.ratePerSecond) * 1000;
    say(
      `${options.texts} texts from ${plan.customers.length} customers at ${options.ratePerSecond}/s (~${Math.round(loadDurationMs / 1000)}s), ` +
        `seed ${options.seed}; faults: ${options.workerKills} worker kills, ${options.temporalRestarts} Temporal restart(s), ${options.apiRestarts} API restart(s)`,
    );

    const delivery = emptyDeliveryFigures();
    const loadStartedAt = Date.now() + 500;
    const [deliveries, faults] = await Promise.all([
      deliverAll({
        customers: plan.customers,
        emulator: s.emulator,
        ratePerSecond: options.ratePerSecond,
        deadlineMs: options.deliveryDeadlineMs,
        figures: delivery,
        startedAt: loadStartedAt,
      }),
      runFaults({ stack: s, options, loadStartedAt, loadDurationMs, log: say }),
    ]);
    const loadSeconds = (Date.now() - loadStartedAt) / 1000;
    say(`load and faults done after ${loadSeconds.toFixed(1)}s; waiting for the system to settle`);

    const acknowledgedSids = [...deliveries].filter(([, result]) => result.acknowledged).map(([sid]) => sid);
    const settle = await waitUntilSettled({
      stack: s,
      db: db!,
      acknowledgedSids,
      customers: plan.customers.map((customer) => customer.number),
      timeoutMs: options.settleTimeoutMs,
    });
    const report = await checkOutcome({ db: db!, customers: plan.customers, deliveries, sent: s.emulator.messages() });
    const violations = [
      ...(settle.settled ? [] : [`did not settle within ${options.settleTimeoutMs / 1000}s: ${settle.lastReason}`]),
      ...rejections(deliveries),
      ...report.violations,
    ];

    const rows = figureRows({ delivery, faults, settle, report, loadSeconds, stack: s, violations: violations.length });
    console.log(formatFigures('Fault test figures', rows));
    await writeFile(
      path.join(s.dir, 'figures.json'),
      JSON.stringify({ options, figures: Object.fromEntries(rows), faults, violations }, null, 2),
    );
    if (violations.length > 0) {
      console.log(
        [`${violations.length} violation(s)${violations.length > MAX_VIOLATIONS_SHOWN ? `, first ${MAX_VIOLATIONS_SHOWN}` : ''}:`, ...violations.slice(0, MAX_VIOLATIONS_SHOWN).map((v) => `  - ${v}`)].join('\n'),
      );
    }
    expect(violations).toEqual([]);
    passed = true;
  });
});

function rejections(deliveries: ReadonlyMap<string, TextDelivery>): string[] {
  return [...deliveries].flatMap(([sid, result]) => result.rejections.map((rejection) => `webhook for ${sid} refused: ${rejection}`));
}

function figureRows(input: {
  delivery: DeliveryFigures;
  faults: FaultRecord[];
  settle: SettleResult;
  report: CheckReport;
  loadSeconds: number;
  stack: FaultStack;
  violations: number;
}): FigureRows {
  const { delivery: d, faults, settle, report, stack: s } = input;
  const f = report.figures;
  const temporalFaults = faults.filter((fault) => fault.kind === 'temporal');
  return [
    ['seed', options.seed],
    ['customers', plan.customers.length],
    ['texts', options.texts],
    ['texts delivered twice (concurrently, same MessageSid)', d.duplicated],
    ['webhook requests (retries included)', d.attempts],
    ['  answered 200', d.answered200],
    ['  answered 5xx', d.answered5xx],
    ['  answered 4xx', d.answered4xx],
    ['  connection refused / reset', d.connectionErrors],
    ['  timed out (15 s)', d.timeouts],
    ['texts acknowledged', d.acknowledged],
    ['  only after a retry', d.acknowledgedAfterRetry],
    ['texts never acknowledged', d.unacknowledged],
    [
      'worker SIGKILLs (right after storing a text / at random)',
      `${s.worker.kills} (${faults.filter((fault) => fault.moment === 'after-store').length} / ${faults.filter((fault) => fault.moment === 'random').length})`,
    ],
    ['Temporal server SIGKILL + restart', `${s.temporal.kills} (down ${temporalFaults.map((fault) => `${fault.recoveredAfter.toFixed(1)}s`).join(', ') || '-'})`],
    ['API SIGKILL + restart', s.api.kills],
    ['exits on their own (restarted): worker / API / Temporal', `${s.worker.unexpectedExits.length} / ${s.api.unexpectedExits.length} / ${s.temporal.unexpectedExits.length}`],
    ['load duration', `${input.loadSeconds.toFixed(1)}s`],
    ['time to settle after the load', `${settle.seconds.toFixed(1)}s${settle.settled ? '' : ' (did not settle)'}`],
    ['inbound texts stored', f.storedInbound],
    ['  acknowledged and stored', f.storedAcknowledged],
    ['  stored without an acknowledgement', f.storedUnacknowledged],
    ['acknowledged but not stored', f.acknowledgedNotStored],
    ['replies the stored texts call for', f.repliesExpected],
    ['replies sent (accepted by Twilio)', f.repliesSent],
    ['replies withheld (decided before a STOP, refused after it)', f.repliesWithheld],
    ['sends Twilio received', f.emulatorSends],
    ['stored texts not answered (missing replies)', f.repliesMissing],
    ['replies beyond what the texts call for (answered twice, or a drop shifted the limit)', f.repliesExtra],
    ['flag reasons expected / recorded', `${f.flagsExpected} / ${f.flagsRecorded}`],
    ['conversations with wrong flags', f.flagMismatches],
    ['opted-out customers', f.optedOutCustomers],
    ['sent after an opt-out', f.sentAfterOptOut],
    ['duplicate sends (same body, same number)', f.duplicateSends],
    ['outbound not at a final status', f.outboundNotFinal],
    ['outbound never accepted by Twilio', f.outboundNotSent],
    ['status callbacks refused / redelivered / lost', `${s.callbacks.refused} / ${s.callbacks.redelivered} / ${s.callbacks.lost}`],
    ['duplicate audit rows: flagged / opted_out', `${f.duplicateFlagEvents} / ${f.duplicateOptOutEvents}`],
    ['parked jobs', f.parkedJobs],
    ['result', input.violations === 0 ? 'PASS' : `FAIL (${input.violations} violations)`],
  ];
}
