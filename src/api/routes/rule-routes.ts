// Keyword auto-response rules: agents read them, admins change them. Changes apply to running
// conversations from their next inbound message (see rules/rule-store.ts).
import type { ApiDeps } from '../api-deps.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { BODY_LIMIT_ERRORS, checkMessageBody } from './conversations/message-rules.ts';
import {
  createRuleBody,
  listRulesQuery,
  ruleIdParams,
  ruleListSchema,
  ruleSchema,
  updateRuleBody,
} from './rules/rule-schemas.ts';
import { createRule, deleteRule, listRules, updateRule } from './rules/rule-store.ts';

const TAG = 'Auto-response rules';
// A rule's response is sent as an SMS, so it meets the limits every message meets.
const RESPONSE_LIMITS = `Invalid request (validation_failed), or a response refused as any message body is: ${BODY_LIMIT_ERRORS}`;
const PRIORITY_TAKEN = 'Another rule holds this priority (priority_taken); `error.details` names it (ruleId, ruleName)';
const NOT_FOUND = 'No rule has this id (rule_not_found)';
const KEYWORDS_DO_NOT_FIT = 'A keyword rule without keywords, or keywords for an after-hours rule (keywords_do_not_fit_trigger)';

export function registerRuleRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const { db } = deps;

  routes.add({
    method: 'get',
    path: '/api/rules',
    summary: 'List auto-response rules, highest priority first',
    tag: TAG,
    access: 'agent',
    query: listRulesQuery,
    response: { status: 200, description: 'The rules', schema: ruleListSchema },
    async handle(_ctx, { query }) {
      return { rules: await listRules(db, query) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/rules',
    summary: 'Create an auto-response rule',
    tag: TAG,
    access: 'admin',
    body: createRuleBody,
    response: { status: 201, description: 'The rule, in effect from the next inbound message', schema: ruleSchema },
    errors: { 400: RESPONSE_LIMITS, 409: PRIORITY_TAKEN, 422: KEYWORDS_DO_NOT_FIT },
    async handle(_ctx, { body }) {
      checkMessageBody(body.response, 'body.response');
      return createRule(db, body);
    },
  });

  routes.add({
    method: 'patch',
    path: '/api/rules/:id',
    summary: 'Change an auto-response rule',
    tag: TAG,
    access: 'admin',
    params: ruleIdParams,
    body: updateRuleBody,
    response: { status: 200, description: 'The rule as changed, in effect from the next inbound message', schema: ruleSchema },
    errors: { 400: RESPONSE_LIMITS, 404: NOT_FOUND, 409: PRIORITY_TAKEN, 422: KEYWORDS_DO_NOT_FIT },
    async handle(_ctx, { params, body }) {
      if (body.response !== undefined) checkMessageBody(body.response, 'body.response');
      return updateRule(db, params.id, body);
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/rules/:id',
    summary: 'Delete an auto-response rule (messages it sent keep their history)',
    tag: TAG,
    access: 'admin',
    params: ruleIdParams,
    response: { status: 204, description: 'Deleted' },
    errors: { 404: NOT_FOUND },
    async handle(_ctx, { params }) {
      await deleteRule(db, params.id);
      return undefined;
    },
  });
}
