// Finds the Temporal CLI (it holds the dev server and the Web UI). Order: TEMPORAL_CLI_PATH,
// PATH, Go's bin folder, then `go install` when Go is present. Undefined means "let the SDK
// download it", which works on machines with internet.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.ts';

/** The newest CLI tag `go install` accepts (later tags carry a `replace` directive). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, binary))) return path.join(dir, binary);
  }
  return undefined;
}

function goBinDir(): string | undefined {
  const go = onPath('go');
  if (!go) return undefined;
  const result = spawnSync(go, ['env', 'GOBIN', 'GOPATH'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const [gobin, gopath] = result.stdout.split('\n').map((line) => line.trim());
  if (gobin) return gobin;
  return gopath ? path.join(gopath.split(path.delimiter)[0]!, 'bin') : undefined;
}

export function findTemporalCli(explicitPath?: string): string | undefined {
  if (explicitPath) {
    if (!isExecutable(explicitPath)) throw new Error(`TEMPORAL_CLI_PATH=${explicitPath} is not an executable file`);
    return explicitPath;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const goBin = goBinDir();
  if (goBin && isExecutable(path.join(goBin, 'temporal'))) return path.join(goBin, 'temporal');
  return undefined;
}

/** Finds the CLI, building it with `go install` once when Go is available and it is missing. */
export function ensureTemporalCli(log: Logger, explicitPath?: string): string | undefined {
  const found = findTemporalCli(explicitPath);
  if (found) return found;
  const go = onPath('go');
  if (!go) return undefined;
  log.info({ module: TEMPORAL_CLI_MODULE }, 'Temporal CLI not found; building it with go install (first time only, takes a few minutes)');
  const result = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], { stdio: 'inherit' });
  if (result.status !== 0) {
    log.warn({ exitCode: result.status }, 'go install of the Temporal CLI failed; falling back to the SDK download');
    return undefined;
  }
  return findTemporalCli();
}
