// What a newcomer needs to see after `npm start`: where everything is and how to try it.
export interface BannerInfo {
  apiUrl: string;
  temporalUiUrl?: string;
  temporalAddress: string;
  webhooks: { inbound: string; status: string };
  emulatorUrl?: string;
  businessNumber?: string;
  databaseEmbedded: boolean;
  dataDir: string;
}

export function printBanner(info: BannerInfo): void {
  const lines = [
    '',
    'SMS conversations backend is running',
    `  API:                 ${info.apiUrl}`,
    `  Agent console:       ${info.apiUrl}/sms`,
    `  Temporal UI:         ${info.temporalUiUrl ?? `(not embedded; server at ${info.temporalAddress})`}`,
    `  Inbound SMS webhook: ${info.webhooks.inbound}`,
    `  Status webhook:      ${info.webhooks.status}`,
    `  Database:            ${info.databaseEmbedded ? `embedded PGlite in ${info.dataDir}/postgres` : 'DATABASE_URL'}`,
  ];
  if (info.emulatorUrl) {
    lines.push(
      `  Twilio emulator:     ${info.emulatorUrl} (no Twilio credentials set; business number ${info.businessNumber})`,
      '',
      'Play a customer texting in:',
      `  curl -s -X POST ${info.emulatorUrl}/_emulator/inbound -H 'Content-Type: application/json' \\`,
      `    -d '{"from":"+447700900123","to":"${info.businessNumber}","body":"Can I get some help please"}'`,
      `  curl -s ${info.emulatorUrl}/_emulator/messages   # what we sent back`,
    );
  }
  lines.push(
    '',
    `Agents sign in to the console at ${info.apiUrl}/sms, or use the REST API with a bearer token`,
    `(API docs: ${info.apiUrl}/api/openapi.json). Create the first admin, with a console password:`,
    "  npm run admin:create -- --name 'Your Name' --email you@example.com --password 'a long passphrase'",
    '',
    'Ctrl-C stops everything.',
    '',
  );
  process.stdout.write(lines.join('\n'));
}
