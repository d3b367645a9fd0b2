// Facts that make a result comparable with another: the machine, the runtime, the versions of
// what the pipeline is made of, and the exact code (commit, plus whether the tree was dirty).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { findTemporalCli } from '../src/infra/temporal-cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface MachineFacts {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  packages: Record<string, string>;
  temporalCli: string;
  git: { commit: string; dirty: boolean; changedFiles: number };
}

function run(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineFacts(): MachineFacts {
  const cli = (() => {
    try {
      return findTemporalCli(process.env.TEMPORAL_CLI_PATH);
    } catch {
      return undefined;
    }
  })();
  const status = run('git', ['status', '--porcelain']);
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages: Object.fromEntries(
      ['@temporalio/worker', '@temporalio/client', 'prisma', '@prisma/client', '@prisma/adapter-pg', '@electric-sql/pglite', 'twilio', 'koa', 'hdr-histogram-js'].map(
        (name) => [name, packageVersion(name)],
      ),
    ),
    temporalCli: cli ? (run(cli, ['--version']) ?? `${cli} (version unknown)`) : 'SDK download (no CLI on this machine)',
    git: {
      commit: run('git', ['rev-parse', 'HEAD']) ?? 'unknown',
      dirty: status === undefined ? false : status.length > 0,
      changedFiles: status ? status.split('\n').filter(Boolean).length : 0,
    },
  };
}
