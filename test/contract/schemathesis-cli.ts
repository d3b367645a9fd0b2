// Finds Schemathesis 4 (a Python tool, from PyPI) for the contract run: SCHEMATHESIS_CLI, else an
// `st` on PATH, else a virtualenv of its own under node_modules/.cache, made once with pip. Its
// command-line options changed between major versions, so any other major is refused by name.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SCHEMATHESIS_REQUIREMENT = 'schemathesis>=4,<5';
const CACHED_VENV = path.resolve(import.meta.dirname, '../../node_modules/.cache/schemathesis-4');

/** `st --version` prints "st, version 4.32.5". */
async function majorVersionOf(cli: string): Promise<{ version: string; major: number } | undefined> {
  try {
    const { stdout } = await run(cli, ['--version']);
    const version = /version\s+(\S+)/.exec(stdout)?.[1];
    return version ? { version, major: Number(version.split('.')[0]) } : undefined;
  } catch {
    return undefined;
  }
}

async function installIntoCache(log: (line: string) => void): Promise<string> {
  const python = process.env.PYTHON ?? 'python3';
  log(`installing ${SCHEMATHESIS_REQUIREMENT} into ${CACHED_VENV} (once)`);
  await mkdir(path.dirname(CACHED_VENV), { recursive: true });
  try {
    await run(python, ['-m', 'venv', CACHED_VENV]);
    await run(path.join(CACHED_VENV, 'bin', 'pip'), ['install', '--quiet', SCHEMATHESIS_REQUIREMENT], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw new Error(
      `Could not install Schemathesis with ${python} -m venv + pip (${(error as Error).message.split('\n')[0]}). ` +
        `Install it yourself (pip install '${SCHEMATHESIS_REQUIREMENT}') and set SCHEMATHESIS_CLI to its \`st\`.`,
    );
  }
  return path.join(CACHED_VENV, 'bin', 'st');
}

export async function schemathesisCli(log: (line: string) => void): Promise<{ cli: string; version: string }> {
  const cached = path.join(CACHED_VENV, 'bin', 'st');
  const candidates = [process.env.SCHEMATHESIS_CLI, 'st', existsSync(cached) ? cached : undefined].filter((c): c is string => !!c);
  for (const cli of candidates) {
    const found = await majorVersionOf(cli);
    if (found?.major === 4) return { cli, version: found.version };
    if (found && cli === process.env.SCHEMATHESIS_CLI) {
      throw new Error(`SCHEMATHESIS_CLI is Schemathesis ${found.version}; this run needs ${SCHEMATHESIS_REQUIREMENT}`);
    }
  }
  const installed = await installIntoCache(log);
  const found = await majorVersionOf(installed);
  if (found?.major !== 4) throw new Error(`${installed} did not answer as Schemathesis 4`);
  return { cli: installed, version: found.version };
}
