// Standalone Twilio emulator: `npm run emulator`. Point the app at it with
// TWILIO_API_BASE_URL=<logged url> and the same TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN.
import { pino } from 'pino';
import { loadEmulatorEnv } from './emulator-env.ts';
import { createTwilioEmulator } from './index.ts';

async function main(): Promise<void> {
  const env = loadEmulatorEnv();
  const logger = pino({ name: 'twilio-emulator', level: env.LOG_LEVEL });
  const emulator = createTwilioEmulator({
    accountSid: env.TWILIO_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN,
    inboundWebhookUrl: env.EMULATOR_INBOUND_WEBHOOK_URL,
    statusCallbackDelayMs: env.EMULATOR_STATUS_CALLBACK_DELAY_MS,
    handleOptOutKeywords: env.EMULATOR_HANDLE_OPT_OUT_KEYWORDS,
    logger,
  });

  const url = await emulator.listen(env.TWILIO_EMULATOR_PORT, env.TWILIO_EMULATOR_HOST);
  logger.info(
    { url, inboundWebhookUrl: env.EMULATOR_INBOUND_WEBHOOK_URL ?? null },
    `Twilio emulator ready: set TWILIO_API_BASE_URL=${url}`,
  );

  let shuttingDown = false;
  const shutDown = async (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'Twilio emulator shutting down');
    try {
      await emulator.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'Twilio emulator did not close cleanly');
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void shutDown(signal));
  process.once('SIGTERM', (signal) => void shutDown(signal));
}

main().catch((error: unknown) => {
  // Configuration mistakes are the usual cause; their message says what to fix, a stack does not.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
