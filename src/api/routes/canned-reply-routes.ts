// Canned replies: saved texts agents insert into replies. Everyone sees the shared ones and their
// own; only admins add or change shared ones; only its owner changes a personal one.
import type { ApiDeps } from '../api-deps.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import {
  cannedReplyIdParams,
  cannedReplyListSchema,
  cannedReplySchema,
  createCannedReplyBody,
  updateCannedReplyBody,
} from './canned-replies/canned-reply-schemas.ts';
import { createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from './canned-replies/canned-reply-store.ts';
import { BODY_LIMIT_ERRORS, checkMessageBody } from './conversations/message-rules.ts';

const TAG = 'Canned replies';
const BODY_LIMITS = `Invalid request (validation_failed), or a body refused as any message body is: ${BODY_LIMIT_ERRORS}`;
const SHORTCUT_TAKEN = 'The shortcut is already used by a shared reply (shared) or by one of the caller’s own (personal) (shortcut_taken)';
const NOT_YOURS = 'A personal reply of another agent, or a shared reply and the caller is not an admin (forbidden)';
const NOT_FOUND = 'No canned reply has this id (not_found)';

export function registerCannedReplyRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  const { db } = deps;

  routes.add({
    method: 'get',
    path: '/api/canned-replies',
    summary: 'The shared canned replies and the caller’s own, by shortcut',
    tag: TAG,
    access: 'agent',
    response: { status: 200, description: 'The canned replies', schema: cannedReplyListSchema },
    async handle(_ctx, { agent }) {
      return { cannedReplies: await listCannedReplies(db, agent) };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/canned-replies',
    summary: 'Add a canned reply (personal; shared ones: admins)',
    tag: TAG,
    access: 'agent',
    body: createCannedReplyBody,
    response: { status: 201, description: 'The canned reply', schema: cannedReplySchema },
    errors: { 400: BODY_LIMITS, 403: 'shared: true and the caller is not an admin (forbidden)', 409: SHORTCUT_TAKEN },
    async handle(_ctx, { body, agent }) {
      checkMessageBody(body.body);
      return createCannedReply(db, agent, body);
    },
  });

  routes.add({
    method: 'patch',
    path: '/api/canned-replies/:id',
    summary: 'Change a canned reply’s shortcut, title or body',
    tag: TAG,
    access: 'agent',
    params: cannedReplyIdParams,
    body: updateCannedReplyBody,
    response: { status: 200, description: 'The canned reply as changed', schema: cannedReplySchema },
    errors: { 400: BODY_LIMITS, 403: NOT_YOURS, 404: NOT_FOUND, 409: SHORTCUT_TAKEN },
    async handle(_ctx, { params, body, agent }) {
      if (body.body !== undefined) checkMessageBody(body.body);
      return updateCannedReply(db, agent, params.id, body);
    },
  });

  routes.add({
    method: 'delete',
    path: '/api/canned-replies/:id',
    summary: 'Delete a canned reply',
    tag: TAG,
    access: 'agent',
    params: cannedReplyIdParams,
    response: { status: 204, description: 'Deleted' },
    errors: { 403: NOT_YOURS, 404: NOT_FOUND },
    async handle(_ctx, { params, agent }) {
      await deleteCannedReply(db, agent, params.id);
      return undefined;
    },
  });
}
