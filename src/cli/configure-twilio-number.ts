// `npm run twilio:configure`: sets the Twilio number's SMS webhook to
// API_BASE_URL/api/webhooks/twilio/sms (POST) and its status callback to
// API_BASE_URL/api/webhooks/twilio/sms/status (POST), and prints what changed.
import { loadConfig } from '../config/config.ts';
import { webhookUrls } from '../config/derived.ts';
import { createTwilioRestClient } from '../twilio/rest-client.ts';
import { CommandFailed, runCli, UsageError } from './cli-run.ts';
import { configureNumberWebhooks, FIELD_LABELS } from './number-webhooks.ts';

const USAGE = `Usage: npm run twilio:configure

Points your Twilio number at this API: its SMS webhook ("A message comes in") becomes
\${API_BASE_URL}/api/webhooks/twilio/sms (POST), its status callback
\${API_BASE_URL}/api/webhooks/twilio/sms/status (POST). Needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
TWILIO_PHONE_NUMBER and API_BASE_URL (the public HTTPS URL Twilio reaches this API at).`;

async function main(): Promise<void> {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (process.argv.length > 2) throw new UsageError(`Unexpected arguments: ${process.argv.slice(2).join(' ')}`);
  const config = loadConfig();
  if (!config.twilio) {
    throw new UsageError('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set: this configures a real Twilio number, not the emulator');
  }
  const phoneNumber = config.twilio.phoneNumber;
  if (!phoneNumber) throw new UsageError('TWILIO_PHONE_NUMBER must be set: it names the number to configure');
  // The default (http://localhost:API_PORT) is never what Twilio should call.
  if (!process.env.API_BASE_URL?.trim()) {
    throw new UsageError('API_BASE_URL must be set to the public URL Twilio reaches this API at, e.g. https://sms.example.com');
  }
  const targets = webhookUrls(config);
  const base = new URL(config.api.baseUrl);
  if (base.protocol !== 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(base.hostname)) {
    process.stderr.write(`Warning: Twilio must reach ${config.api.baseUrl} from the internet; use a public HTTPS URL.\n`);
  }

  const client = createTwilioRestClient(config.twilio);
  const result = await configureNumberWebhooks(client, phoneNumber, { smsUrl: targets.inbound, statusCallback: targets.status }).catch(
    (error: unknown) => {
      if (error instanceof CommandFailed) throw error;
      throw new CommandFailed(`Twilio refused the request: ${describeTwilioError(error)}`);
    },
  );

  const where = config.twilio.apiBaseUrl ? ` (Twilio API at ${config.twilio.apiBaseUrl})` : '';
  const lines =
    result.changes.length === 0
      ? [`${result.phoneNumber} (${result.sid}) already points at this API${where}; nothing changed.`]
      : [
          `Configured ${result.phoneNumber} (${result.sid})${where}:`,
          ...result.changes.map((change) => `  ${FIELD_LABELS[change.field]}: ${change.from ?? '(not set)'} → ${change.to}`),
        ];
  if (result.smsApplicationSid) {
    lines.push(
      `Note: the number is handled by SMS application ${result.smsApplicationSid}; Twilio ignores the number's own SMS webhook while it is set.`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** twilio-node's RestException carries Twilio's status and error code; the message names the problem. */
function describeTwilioError(error: unknown): string {
  const { status, code, message } = error as { status?: unknown; code?: unknown; message?: unknown };
  const parts = [typeof status === 'number' ? `HTTP ${status}` : undefined, typeof code === 'number' ? `error ${code}` : undefined].filter(Boolean);
  const text = typeof message === 'string' ? message : String(error);
  return parts.length ? `${parts.join(', ')}: ${text}` : text;
}

await runCli(main, USAGE);
