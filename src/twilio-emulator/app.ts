// The emulator's Koa application, built without listening so it can be mounted or tested alone.
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { Logger } from 'pino';
import { controlRouter, type ControlDeps } from './control-router.ts';
import { twilioErrorMiddleware } from './error-middleware.ts';
import { mediaApiRouter, type MediaApiDeps } from './media-api-router.ts';
import { messagesApiRouter, type MessagesApiDeps } from './messages-api-router.ts';
import { phoneNumbersApiRouter, type PhoneNumbersApiDeps } from './phone-numbers-api-router.ts';
import { twilioErrors } from './twilio-api-error.ts';

export const BODY_LIMIT = '64kb';

export type EmulatorAppDeps = MessagesApiDeps & PhoneNumbersApiDeps & MediaApiDeps & ControlDeps & { logger: Logger };

export function createEmulatorApp(deps: EmulatorAppDeps): Koa {
  const app = new Koa();
  app.use(twilioErrorMiddleware(deps.logger));
  app.use(bodyParser({ enableTypes: ['json', 'form'], formLimit: BODY_LIMIT, jsonLimit: BODY_LIMIT }));

  const api = messagesApiRouter(deps);
  const numbers = phoneNumbersApiRouter(deps);
  const media = mediaApiRouter(deps);
  const control = controlRouter(deps);
  app.use(api.routes()).use(api.allowedMethods({ throw: true }));
  app.use(numbers.routes()).use(numbers.allowedMethods({ throw: true }));
  app.use(media.routes()).use(media.allowedMethods({ throw: true }));
  app.use(control.routes()).use(control.allowedMethods({ throw: true }));

  app.use((ctx) => {
    throw twilioErrors.notFound(ctx.path);
  });
  return app;
}
