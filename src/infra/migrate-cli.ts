// `npm run migrate`: applies pending migrations to DATABASE_URL and exits.
import { loadConfig } from '../config/config.ts';
import { createLogger } from './logger.ts';
import { applyMigrations } from './migrations.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'migrate');
if (!config.database.url) {
  log.error('DATABASE_URL is not set; the embedded database migrates itself on `npm start`');
  process.exit(2);
}
const applied = await applyMigrations(config.database.url, log);
log.info({ applied: applied.length }, applied.length ? 'migrations applied' : 'database is up to date');
