// Runs one of the project's npm scripts as a child process, the way an operator runs it, with a
// clean environment: only what the test passes configures it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Variables the project reads; a developer's own settings must not leak into a test's command. */
const PROJECT_VARIABLES = /^(DATABASE_URL|DATA_DIR|EMBEDDED_POSTGRES_PORT|API_.*|TWILIO_.*|TEMPORAL_.*|LOG_LEVEL|NODE_ENV|SMS_ADMIN_PASSWORD)$/;

export interface CommandResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export function runNpmScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<CommandResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !PROJECT_VARIABLES.test(key)));
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run ${script} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/** The token line of `admin:create`'s output. */
export function printedToken(stdout: string): string | undefined {
  return /^(smsa_\S+)$/m.exec(stdout)?.[1];
}
