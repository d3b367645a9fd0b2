// `npm run build:console`: builds the agent console (console/) into console/dist, which the API
// serves at /sms. Steps: the OpenAPI document (written without a server) → the client's types
// (openapi-typescript) → the console's type check → Vite's production build.
// `--if-stale` (npm start) skips the build when console/dist was built from the same inputs:
// a hash of every input file is kept beside the build.
// Run by postinstall too. An install without dev dependencies (production) has no Vite: then
// an existing build is kept and a missing one is only reported — the API still runs, and /sms
// answers 503 saying how to build it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const consoleDir = path.join(root, 'console');
const distDir = path.join(consoleDir, 'dist');
const stampFile = path.join(distDir, '.build-inputs');
const openApiFile = path.join(root, 'node_modules', '.cache', 'sms-console', 'openapi.json');
const schemaFile = path.join(consoleDir, 'src', 'api', 'schema.d.ts');
/** What the build reads: the console itself, and the API code the document and shared rules come from. */
const INPUTS = ['console', 'src/api', 'src/shared', 'scripts/write-openapi.ts', 'scripts/build-console.mjs', 'package-lock.json'];
const SKIP = new Set(['dist', 'node_modules']);

function files(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !SKIP.has(entry.name))
    .flatMap((entry) => files(path.join(dir, entry.name)));
}

function inputsHash() {
  const hash = createHash('sha256');
  // schema.d.ts is an output of this build: leaving it out keeps the hash stable across builds.
  for (const file of INPUTS.flatMap((input) => files(path.join(root, input))).filter((file) => file !== schemaFile).sort()) {
    hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function run(label, command, args) {
  console.log(`build:console: ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build:console: ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

const ifStale = process.argv.includes('--if-stale');
const require = createRequire(import.meta.url);
let viteBin;
try {
  viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  console.warn(
    existsSync(stampFile)
      ? 'build:console: Vite is not installed (production install); keeping the existing console/dist'
      : 'build:console: Vite is not installed (production install) and console/dist is missing; /sms answers 503 until `npm install && npm run build:console`',
  );
  process.exit(0);
}

const hash = inputsHash();
if (ifStale && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash) {
  console.log('build:console: console/dist is up to date');
  process.exit(0);
}

mkdirSync(path.dirname(openApiFile), { recursive: true });
run('OpenAPI document', process.execPath, ['--import', 'tsx', 'scripts/write-openapi.ts', openApiFile]);
run('client types (openapi-typescript)', process.execPath, [
  path.join(path.dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js'),
  openApiFile,
  '--output',
  schemaFile,
]);
run('type check (tsc -p console)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'console']);
run('vite build', process.execPath, [viteBin, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn']);
writeFileSync(stampFile, `${hash}\n`);
console.log('build:console: built console/dist');
