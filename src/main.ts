// `npm start`: the whole system in one process tree, with embedded defaults for whatever is
// not configured (see src/runtime/start-system.ts). Ctrl-C stops everything cleanly.
import path from 'node:path';
import { loadConfig } from './config/config.ts';
import { createLogger } from './infra/logger.ts';
import { ShutdownStack } from './infra/shutdown.ts';
import { startSystem } from './runtime/start-system.ts';
import { printBanner } from './startup-banner.ts';

const config = loadConfig();
const log = createLogger(config.logLevel, 'sms', config.logFormat);
const shutdown = new ShutdownStack(log);
shutdown.exitOnSignals();

try {
  const system = await startSystem(config, log, shutdown);
  system.workerStopped.catch((error: unknown) => {
    log.fatal({ err: error }, 'worker stopped unexpectedly');
    void shutdown.stopAll().then(() => process.exit(1));
  });
  printBanner({
    apiUrl: config.api.baseUrl,
    temporalUiUrl: system.temporalUiUrl,
    temporalAddress: system.temporalAddress,
    webhooks: system.webhooks,
    emulatorUrl: system.emulatorUrl,
    businessNumber: system.twilio.phoneNumber,
    databaseEmbedded: system.databaseEmbedded,
    dataDir: path.resolve(config.dataDir),
  });
} catch (error) {
  log.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}
