// Builds the HTTP application without listening, so tests and the server share it.
import Koa from 'koa';
import type { Logger } from '../infra/logger.ts';
import type { ConversationGateway } from '../temporal/conversation-client.ts';
import { errorMiddleware } from './error-middleware.ts';
import { twilioWebhookRouter } from './webhooks/twilio-webhooks.ts';

export interface AppDeps {
  gateway: ConversationGateway;
  /** Twilio's auth token (or the emulator's), the key of every webhook signature. */
  twilioAuthToken: string;
  publicBaseUrl: string;
  webhookBodyLimit: string;
  log: Logger;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Behind a load balancer the client address comes from X-Forwarded-For.
  app.proxy = true;
  app.use(errorMiddleware(deps.log));

  const webhooks = twilioWebhookRouter({
    gateway: deps.gateway,
    authToken: deps.twilioAuthToken,
    publicBaseUrl: deps.publicBaseUrl,
    bodyLimit: deps.webhookBodyLimit,
    log: deps.log,
  });
  app.use(webhooks.routes()).use(webhooks.allowedMethods({ throw: false }));
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/health') {
      ctx.body = { status: 'ok' };
      return;
    }
    await next();
  });
  return app;
}
