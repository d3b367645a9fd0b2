// How the project's commands end: usage and configuration mistakes exit with 2, anything that
// went wrong while doing the work with 1, each with one readable line on stderr (no stack, and
// never a secret: messages here are written by us).
import { ConfigError } from '../config/config.ts';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The command was called wrongly or is not configured for what it must do. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command understood the request but cannot carry it out. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

export async function runCli(main: () => Promise<void>, usage: string): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`Error: ${error.message}\n\n${usage}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Error: ${message}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}
