// The operations endpoints, the same on the API and on the worker's metrics port:
//   GET /healthz  200 while the process runs (liveness: restart it only when this fails);
//   GET /readyz   200 when it can do its job, else 503 naming what is not ready (readiness.ts);
//   GET /metrics  Prometheus text format.
// Public and outside the agent route table: no token, not in the OpenAPI document. Keep the
// API's port behind the load balancer's path rules if /metrics should not face the internet.
import Router from '@koa/router';
import type { Registry } from '../metrics/registry.ts';
import type { Readiness } from './readiness.ts';

export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

export function opsRouter(deps: { registry: Registry; readiness: Readiness }): Router {
  const router = new Router();
  router.get(OPS_PATHS.health, (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get(OPS_PATHS.ready, async (ctx) => {
    const report = await deps.readiness();
    ctx.status = report.status === 'ready' ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = report;
  });
  router.get(OPS_PATHS.metrics, async (ctx) => {
    ctx.type = deps.registry.contentType;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await deps.registry.metrics();
  });
  return router;
}
