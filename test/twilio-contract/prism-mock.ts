// Runs Stoplight Prism as a mock of Twilio's REST API from Twilio's official OpenAPI description,
// with --errors so any request that breaks the contract is answered with a 4xx.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PrismMock {
  url: string;
  stop(): Promise<void>;
}

export interface PrismMockOptions {
  prismBin: string;
  specPath: string;
  cwd: string;
  startTimeoutMs: number;
}

export async function startPrismMock(options: PrismMockOptions): Promise<PrismMock> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'prism-twilio-'));
  const specPath = path.join(dir, path.basename(options.specPath));
  await writeFile(specPath, JSON.stringify(withExplicitFormArrayEncoding(JSON.parse(await readFile(options.specPath, 'utf8')))));
  const port = await freePort();
  const child = spawn(options.prismBin, ['mock', '-h', '127.0.0.1', '-p', String(port), '--errors', specPath], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Prism logs every request; the pipes must keep draining or it would block on a full buffer.
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keepTail);
  child.stderr!.on('data', keepTail);

  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitForListening(child, () => output, options.startTimeoutMs);
    return { url, stop };
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- prism output ---\n${output}`);
  }
}

/**
 * Prism (5.x) collapses repeated form keys to the last value unless the spec declares an
 * `encoding` for the property, so `MediaUrl=a&MediaUrl=b` (what twilio-node sends and Twilio
 * accepts) fails "must be array" (stoplightio/prism#2473). OpenAPI 3 already defines form bodies'
 * default encoding as style=form, explode=true; this spells that default out for array
 * properties, changing nothing else, so Prism reads repeated keys as the spec means them.
 */
export function withExplicitFormArrayEncoding<T>(spec: T): T {
  const paths = (spec as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const content = (operation as { requestBody?: { content?: Record<string, FormContent> } })?.requestBody?.content;
      const form = content?.['application/x-www-form-urlencoded'];
      const properties = form?.schema?.properties;
      if (!form || !properties) continue;
      for (const [name, property] of Object.entries(properties)) {
        if (property.type !== 'array') continue;
        form.encoding ??= {};
        form.encoding[name] ??= { style: 'form', explode: true };
      }
    }
  }
  return spec;
}

interface FormContent {
  schema?: { properties?: Record<string, { type?: string }> };
  encoding?: Record<string, { style: string; explode: boolean }>;
}

function waitForListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`Prism did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = () => {
      const match = /Prism is listening on (http:\/\/\S+)/.exec(output());
      if (match) finish(undefined, match[1]!.replace(/\/$/, ''));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      finish(new Error(`Prism exited before listening (code ${code}, signal ${signal})`));
    const onError = (error: Error) => finish(error);
    function finish(error: Error | undefined, url?: string) {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) reject(error);
      else resolve(url!);
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killTimer);
}

/** A port that was free a moment ago; Prism takes a port number, not a listening socket. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
