// Counts and times every POST to Twilio's webhooks by the status it was finally answered with.
// Mounted before the error middleware so a refusal (403 bad signature, 503 Temporal away) is
// counted with the status Twilio saw, not as a thrown error.
import type { Middleware } from 'koa';
import { apiMetrics, type WebhookRoute } from '../../metrics/api-metrics.ts';
import type { Registry } from '../../metrics/registry.ts';
import { INBOUND_WEBHOOK_PATH, STATUS_WEBHOOK_PATH } from '../../shared/webhook-paths.ts';

const ROUTE_OF: Record<string, WebhookRoute> = { [INBOUND_WEBHOOK_PATH]: 'inbound', [STATUS_WEBHOOK_PATH]: 'status' };

export function webhookMetrics(registry: Registry): Middleware {
  const metrics = apiMetrics(registry);
  return async (ctx, next) => {
    const route = ctx.method === 'POST' ? ROUTE_OF[ctx.path] : undefined;
    if (!route) return next();
    const end = metrics.webhookDuration.startTimer({ route });
    let escaped = false;
    try {
      await next();
    } catch (error) {
      escaped = true;
      throw error;
    } finally {
      // An error that escaped the error middleware becomes Koa's 500.
      const status = escaped ? '500' : String(ctx.status);
      end({ status });
      metrics.webhookRequests.inc({ route, status });
    }
  };
}
