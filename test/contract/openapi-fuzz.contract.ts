// The OpenAPI document is the contract: Schemathesis generates requests from GET /api/openapi.json
// (valid ones and invalid ones) and sends them to the whole running system — a fresh PostgreSQL
// database, the Temporal dev server and worker, the Twilio emulator — as an admin. The run fails
// on any 5xx, any answer whose status or body the document does not declare, and any request the
// document calls valid that the API refuses (400/422…).
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestAgent, type TestAgent } from '../support/agents.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { schemathesisCli } from './schemathesis-cli.ts';

const MAX_EXAMPLES = Number(process.env.CONTRACT_MAX_EXAMPLES ?? 25);
/** No 5xx; only documented statuses and bodies; nothing the document calls valid refused. */
const CHECKS = 'not_a_server_error,status_code_conformance,response_schema_conformance,positive_data_acceptance';

/** Per-operation settings, each with its reason. */
const CONFIG = path.join(import.meta.dirname, 'schemathesis.toml');
/** Signs the Twilio webhooks' requests; keeps the run's own token alive. */
const HOOKS = path.join(import.meta.dirname, 'schemathesis_hooks.py');

let stack: TestStack;
let admin: TestAgent;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await createTestAgent(stack.db, 'admin', 'Contract fuzzer');
});

afterAll(async () => {
  await stack?.stop();
});

/**
 * Schemathesis closes with a pytest-shaped banner ("==== 3 warnings in 56.55s ====") that names no
 * test count; CI log readers take it for a test runner's summary saying nothing ran. The banner's
 * padding is dropped so only this file's own vitest summary reads as one.
 */
export function withoutSummaryBanner(line: string): string {
  const banner = /^=+ (.*) =+$/.exec(line.trim());
  return banner ? `Schemathesis: ${banner[1]}` : line;
}

function runCli(cli: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options });
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => process.stdout.write(`${withoutSummaryBanner(line)}\n`));
    const closed = new Promise((done) => lines.once('close', done));
    child.once('error', reject);
    child.once('exit', (code) => void closed.then(() => resolve(code)));
  });
}

it('finds no server error, no undeclared answer and no valid request refused', async () => {
  const { cli, version } = await schemathesisCli((line) => console.log(line));
  console.log(`Schemathesis ${version}`);
  const args = [
    '--config-file',
    CONFIG,
    'run',
    `${stack.baseUrl}/api/openapi.json`,
    '--url',
    stack.baseUrl,
    '--header',
    `Authorization: Bearer ${admin.token}`,
    '--checks',
    process.env.CONTRACT_CHECKS ?? CHECKS,
    // Not `stateful`: it follows OpenAPI links, which the document does not declare. Ids from
    // earlier answers are reused all the same (Schemathesis' extra data sources).
    '--phases',
    'examples,coverage,fuzzing',
    '--max-examples',
    String(MAX_EXAMPLES),
    // The API refuses NUL in every string with 400 invalid_text (documented on every 400).
    '--generation-allow-x00',
    'false',
    // Generous: a send waits for Twilio (the emulator) and a workflow update; none should near it.
    '--request-timeout',
    '30',
    '--no-color',
    ...(process.env.CONTRACT_SEED ? ['--seed', process.env.CONTRACT_SEED] : []),
    // Every request and answer (HAR) and the failures (JUnit), kept for a look afterwards.
    ...(process.env.CONTRACT_REPORT_DIR ? ['--report', 'har,junit', '--report-dir', path.resolve(process.env.CONTRACT_REPORT_DIR)] : []),
  ];
  // Its example database and reports go to a directory of their own, not the working tree.
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'sms-contract-'));
  try {
    const env = {
      ...process.env,
      PYTHONUNBUFFERED: '1',
      SCHEMATHESIS_HOOKS: HOOKS,
      CONTRACT_BASE_URL: stack.baseUrl,
      CONTRACT_TWILIO_AUTH_TOKEN: stack.authToken,
      CONTRACT_AGENT_ID: admin.id,
    };
    const code = await runCli(cli, args, { cwd, env });
    expect(code, 'Schemathesis reported failures (see its output above)').toBe(0);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});
