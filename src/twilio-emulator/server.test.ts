// The standalone entry (`npm run emulator`) as a real process: configured from the environment,
// serving HTTP, and gone cleanly on SIGTERM / SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const AUTH_TOKEN = 'standalone-emulator-token-9c2e';
const VALID_ENV = {
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_AUTH_TOKEN: AUTH_TOKEN,
  TWILIO_EMULATOR_PORT: '0',
  LOG_LEVEL: 'info',
};

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match && output.includes('Twilio emulator ready')) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`emulator exited with ${code} before it was ready:\n${output}`)));
  });
  // A test that expects the process to fail never awaits `ready`; that rejection is expected.
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => output };
}

describe('standalone emulator server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves until %s, then exits 0', async (signal) => {
    const server = startServer(VALID_ENV);
    const url = await server.ready;
    const health = await fetch(`${url}/_emulator/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    server.child.kill(signal);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutting down');
    expect(server.output()).not.toContain(AUTH_TOKEN);
  });

  it('refuses to start without valid credentials and says which variable is wrong', async () => {
    const server = startServer({ ...VALID_ENV, TWILIO_ACCOUNT_SID: 'not-a-sid' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('TWILIO_ACCOUNT_SID');
  });
});
