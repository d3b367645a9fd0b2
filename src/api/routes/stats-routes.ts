// Dashboard statistics for agents.
import type { ApiDeps } from '../api-deps.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { computeStats } from './stats/stats-queries.ts';
import { statsSchema } from './stats/stats-schema.ts';

export function registerStatsRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/stats',
    summary: 'Dashboard statistics',
    tag: 'Statistics',
    access: 'agent',
    response: {
      status: 200,
      description:
        '"Today" is the current UTC day (from midnight UTC, see `window.todayStartsAt`), the same for every agent whatever their time zone. First response time looks back 7 days (`window.firstResponseSince`).',
      schema: statsSchema,
    },
    async handle() {
      return computeStats(deps.db);
    },
  });
}
