// Builds the HTTP application without listening, so tests and the server share it.
import Router from '@koa/router';
import Koa from 'koa';
import { apiMetrics } from '../metrics/api-metrics.ts';
import type { Registry } from '../metrics/registry.ts';
import { opsRouter } from '../ops/ops-router.ts';
import type { Readiness } from '../ops/readiness.ts';
import type { ConversationGateway } from '../temporal/conversation-client.ts';
import type { ApiDeps } from './api-deps.ts';
import { consoleAssets } from './console-assets.ts';
import { errorMiddleware } from './error-middleware.ts';
import { mediaUrlPolicy } from './media-url-policy.ts';
import { registerAgentRoutes } from './routes/agent-routes.ts';
import { registerCannedReplyRoutes } from './routes/canned-reply-routes.ts';
import { registerContactRoutes } from './routes/contact-routes.ts';
import { registerConversationRoutes } from './routes/conversation-routes.ts';
import { registerEventRoutes } from './routes/event-routes.ts';
import { registerOpenApiRoutes } from './routes/openapi-routes.ts';
import { registerRuleRoutes } from './routes/rule-routes.ts';
import { registerSessionRoutes } from './routes/session-routes.ts';
import { registerStatsRoutes } from './routes/stats-routes.ts';
import { registerTwilioConfigRoutes } from './routes/twilio-config-routes.ts';
import { ApiRoutes } from './routing/api-routes.ts';
import { ROUTER_OPTIONS } from './routing/router-methods.ts';
import { twilioWebhookRouter } from './webhooks/twilio-webhooks.ts';
import { webhookMetrics } from './webhooks/webhook-metrics.ts';

export interface AppDeps extends ApiDeps {
  gateway: ConversationGateway;
  webhookBodyLimit: string;
  /** Served at /metrics; the webhooks and the live-event hub count into it. */
  metrics: Registry;
  /** Answers /readyz. */
  readiness: Readiness;
}

const API_VERSION = '0.1.0';

/** Every agent-facing route, described once; the app mounts them and tests walk them. */
export function buildApiRoutes(deps: ApiDeps): ApiRoutes {
  const routes = new ApiRoutes();
  registerSessionRoutes(routes, deps);
  registerConversationRoutes(routes, deps);
  registerContactRoutes(routes, deps);
  registerRuleRoutes(routes, deps);
  registerAgentRoutes(routes, deps);
  registerCannedReplyRoutes(routes, deps);
  registerEventRoutes(routes, deps);
  registerStatsRoutes(routes, deps);
  registerTwilioConfigRoutes(routes, deps);
  registerOpenApiRoutes(routes, { version: API_VERSION });
  return routes;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Behind a load balancer the client address comes from X-Forwarded-For.
  app.proxy = true;
  // Koa reports stream errors here (not to the error middleware). A client leaving an SSE
  // stream early is normal; anything else is logged, never printed raw to stderr.
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    deps.log.warn({ err: error }, 'HTTP stream error');
  });
  // Outside the error middleware, so it sees the status the error middleware answered with.
  app.use(webhookMetrics(deps.metrics));
  app.use(errorMiddleware(deps.log));

  // /healthz, /readyz, /metrics: for the platform, not agents (no token, not in OpenAPI).
  const ops = opsRouter({ registry: deps.metrics, readiness: deps.readiness });
  app.use(ops.routes());
  // The agent console's page at /sms (and / redirects there); not agent routes, not in OpenAPI.
  app.use(consoleAssets());

  const webhooks = twilioWebhookRouter({
    db: deps.db,
    gateway: deps.gateway,
    authToken: deps.twilio.config.authToken,
    publicBaseUrl: deps.publicBaseUrl,
    bodyLimit: deps.webhookBodyLimit,
    media: mediaUrlPolicy(deps),
    log: deps.log,
    metrics: apiMetrics(deps.metrics),
  });
  app.use(webhooks.routes()).use(webhooks.allowedMethods({ throw: false }));

  const api = new Router(ROUTER_OPTIONS);
  api.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  buildApiRoutes(deps).mount(api, deps.db);
  app.use(api.routes()).use(api.allowedMethods({ throw: false }));
  return app;
}
