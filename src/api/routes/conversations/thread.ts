// GET /api/conversations/:id/thread: messages, internal notes and audit events of a conversation
// in one timeline, so the console draws the conversation with one call. Pages go backwards from
// the newest (each page itself oldest → newest); `before=nextBefore` loads earlier ones.
import { z } from 'zod';
import type { ApiDeps } from '../../api-deps.ts';
import { mediaUrlPolicy } from '../../media-url-policy.ts';
import type { ApiRoutes } from '../../routing/api-routes.ts';
import { findConversationOr404 } from './conversation-detail.ts';
import { conversationEventSchema, conversationIdParams, messageSchema } from './schemas.ts';
import { toEventJson, toMessageJson } from './serializers.ts';
import { decodeThreadCursor, earlierThan, encodeThreadCursor, KIND_ORDER, threadCursorField, type ThreadKind } from './thread-cursor.ts';

export const DEFAULT_THREAD_PAGE = 50;
export const MAX_THREAD_PAGE = 200;

const threadQuery = z.object({
  before: threadCursorField.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_THREAD_PAGE).default(DEFAULT_THREAD_PAGE).meta({
    description: `Items per page, 1..${MAX_THREAD_PAGE} (default ${DEFAULT_THREAD_PAGE})`,
  }),
});

const at = z.iso.datetime().meta({ description: 'ISO 8601: when it happened (the item’s createdAt)' });

const threadItemSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    at,
    message: messageSchema.extend({
      agentName: z.string().nullable().meta({ description: 'The agent who sent it; null when no agent did' }),
      ruleName: z.string().nullable().meta({ description: 'The auto-response rule that sent it; null otherwise (or when the rule was deleted)' }),
    }),
  }),
  z.object({
    kind: z.literal('note'),
    at,
    note: z.object({ id: z.string(), agentId: z.string(), agentName: z.string(), body: z.string(), createdAt: at }),
  }),
  z.object({
    kind: z.literal('event'),
    at,
    event: conversationEventSchema.extend({ agentName: z.string().nullable().meta({ description: 'The acting agent’s name; null for the customer or the system' }) }),
  }),
]);

const threadResponse = z.object({
  items: z.array(threadItemSchema).meta({ description: 'The newest page first; within a page oldest → newest, ties ordered by kind then id' }),
  nextBefore: z.string().nullable().meta({ description: 'Pass as `before` for the earlier page; null when this page reaches the start' }),
});

/** An item as answered, plus its sort key (`date`, `id`) removed before answering. */
type Item = { kind: ThreadKind; at: string; id: string; date: Date } & ({ message: unknown } | { note: unknown } | { event: unknown });

export function registerThread(routes: ApiRoutes, deps: ApiDeps): void {
  routes.add({
    method: 'get',
    path: '/api/conversations/:id/thread',
    summary: "A conversation's messages, internal notes and audit events as one timeline, newest page first",
    tag: 'Conversations',
    access: 'agent',
    params: conversationIdParams,
    query: threadQuery,
    response: { status: 200, description: 'A page of the timeline', schema: threadResponse },
    errors: { 404: 'No conversation has this id (conversation_not_found)' },
    async handle(_ctx, { params, query }) {
      await findConversationOr404(deps, params.id);
      const before = decodeThreadCursor(query.before);
      const take = query.limit + 1;
      const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
      const conversationId = params.id;
      // The newest limit+1 of each kind before the cursor hold the newest limit+1 of all of them.
      const [messages, notes, events] = await Promise.all([
        deps.db.message.findMany({
          where: { conversationId, ...earlierThan('message', before) },
          orderBy: newestFirst,
          take,
          include: { agent: { select: { name: true } }, autoResponseRule: { select: { name: true } } },
        }),
        deps.db.conversationNote.findMany({
          where: { conversationId, ...earlierThan('note', before) },
          orderBy: newestFirst,
          take,
          include: { agent: { select: { name: true } } },
        }),
        deps.db.conversationEvent.findMany({
          where: { conversationId, ...earlierThan('event', before) },
          orderBy: newestFirst,
          take,
          include: { agent: { select: { id: true, name: true } } },
        }),
      ]);
      const media = mediaUrlPolicy(deps);
      const items: Item[] = [
        ...messages.map((row): Item => {
          const { agent, autoResponseRule, ...message } = row;
          return {
            kind: 'message',
            id: row.id,
            date: row.createdAt,
            at: row.createdAt.toISOString(),
            message: { ...toMessageJson(message, media), agentName: agent?.name ?? null, ruleName: autoResponseRule?.name ?? null },
          };
        }),
        ...notes.map((row): Item => ({
          kind: 'note',
          id: row.id,
          date: row.createdAt,
          at: row.createdAt.toISOString(),
          note: { id: row.id, agentId: row.agentId, agentName: row.agent.name, body: row.body, createdAt: row.createdAt.toISOString() },
        })),
        ...events.map((row): Item => ({
          kind: 'event',
          id: row.id,
          date: row.createdAt,
          at: row.createdAt.toISOString(),
          event: { ...toEventJson(row), agentName: row.agent?.name ?? null },
        })),
      ];
      // Newest first by (time, kind); within one kind the database's (time, id) order is kept
      // (the sort is stable), so ids are only ever compared by PostgreSQL, as in the cursor's query.
      items.sort((a, b) => b.date.getTime() - a.date.getTime() || KIND_ORDER[b.kind] - KIND_ORDER[a.kind]);
      const page = items.slice(0, query.limit);
      const oldest = page.at(-1);
      const nextBefore = items.length > query.limit && oldest ? encodeThreadCursor({ at: oldest.date, kind: oldest.kind, id: oldest.id }) : null;
      return { items: page.reverse().map(({ id: _id, date: _date, ...item }) => item), nextBefore };
    },
  });
}
