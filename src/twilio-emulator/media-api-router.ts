// Twilio's Media resource as the emulator serves it: GET …/Messages/{MessageSid}/Media/{Sid}
// answers the file itself with its content type, behind the account's Basic auth (as Twilio does
// with "Enforce HTTP Auth on Media URLs" on). Unknown media SIDs answer a generated PNG.
import { setTimeout as delay } from 'node:timers/promises';
import { Router } from '@koa/router';
import { requireAccountCredentials } from './basic-auth.ts';
import { solidPng } from './media-png.ts';
import type { MediaStore } from './media-store.ts';
import { API_VERSION } from './message-resource.ts';

export interface MediaApiDeps {
  accountSid: string;
  authToken: string;
  media: MediaStore;
}

const PNG = solidPng();

export function mediaPath(accountSid: string, messageSid: string, mediaSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
}

export function mediaApiRouter(deps: MediaApiDeps): Router {
  const router = new Router({ prefix: `/${API_VERSION}/Accounts/:AccountSid` });
  const auth = requireAccountCredentials(deps.accountSid, deps.authToken);

  router.get('/Messages/:MessageSid/Media/:MediaSid', auth, async (ctx) => {
    const media = deps.media.get(ctx.params.MediaSid!);
    if (!media) {
      ctx.type = 'image/png';
      ctx.body = PNG;
      return;
    }
    // The emulated host's own slowness, for callers' timeouts.
    if (media.delayMs) await delay(media.delayMs);
    if (media.redirectTo) {
      ctx.status = 307;
      ctx.set('Location', media.redirectTo);
      return;
    }
    ctx.set('Content-Type', media.contentType);
    ctx.body = media.body;
  });

  return router;
}
