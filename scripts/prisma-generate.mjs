// Runs `prisma generate` without network access.
// Why by hand: the Prisma CLI insists a native schema engine binary exists before it generates,
// and downloads it when missing; generation itself never runs it. Where the download is blocked
// we point PRISMA_SCHEMA_ENGINE_BINARY at an existing file (this Node binary) so the check passes.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync('npx', ['prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
