// The media URL rules as this API process applies them: Twilio's media hosts, plus the origin of
// the Twilio-compatible server it is configured to call (the emulator stands in for Twilio's
// media host too). Webhooks and serialisers read the same policy, so what is stored is shown.
import type { MediaUrlPolicy } from '../sms/media-urls.ts';
import type { ApiDeps } from './api-deps.ts';

export function mediaUrlPolicy(deps: Pick<ApiDeps, 'twilio'>): MediaUrlPolicy {
  const base = deps.twilio.config.apiBaseUrl;
  return base ? { twilioApiBaseUrl: base } : {};
}
