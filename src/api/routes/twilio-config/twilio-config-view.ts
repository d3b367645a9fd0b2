// What an admin may see of the Twilio configuration: enough to check it, never the auth token.
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../../../shared/webhook-paths.ts';
import type { ApiDeps } from '../../api-deps.ts';
import type { TwilioConfigView } from './twilio-config-schemas.ts';

export function maskAccountSid(accountSid: string): string {
  if (accountSid.length <= 6) return '…';
  return `${accountSid.slice(0, 2)}…${accountSid.slice(-4)}`;
}

export function twilioConfigView(deps: Pick<ApiDeps, 'twilio' | 'publicBaseUrl'>): TwilioConfigView {
  const { config, emulated } = deps.twilio;
  const base = deps.publicBaseUrl.replace(/\/+$/, '');
  return {
    configured: !emulated,
    emulated,
    accountSid: maskAccountSid(config.accountSid),
    phoneNumber: config.phoneNumber ?? null,
    messagingServiceSid: config.messagingServiceSid ?? null,
    apiBaseUrl: config.apiBaseUrl ?? null,
    webhooks: { inbound: base + INBOUND_WEBHOOK_PATH, status: base + STATUS_WEBHOOK_PATH },
  };
}
