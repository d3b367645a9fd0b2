import type { ApiDeps } from '../api-deps.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';

export function registerStatsRoutes(_routes: ApiRoutes, _deps: ApiDeps): void {}
