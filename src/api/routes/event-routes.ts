// GET /api/events: the live events (new messages, delivery statuses, assignments, closes, flags…)
// as Server-Sent Events. Each carries ids, not content; a client fetches the details it shows.
import { z } from 'zod';
import { LIVE_EVENT_TYPES } from '../../shared/live-events.ts';
import type { ApiDeps } from '../api-deps.ts';
import { credentialStillHolds } from '../auth/authenticate.ts';
import { createSseConnection } from '../live-events/sse-connection.ts';
import { formatLiveEvent, formatReset } from '../live-events/sse-format.ts';
import type { ApiRoutes } from '../routing/api-routes.ts';
import { decimalAtMost } from '../routing/decimal-pattern.ts';
import { textField } from '../routing/text-field.ts';

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 2_000;
const MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * An open stream outlives the check that let it in: a deactivated agent, a revoked token or an
 * ended session must stop receiving events, not only fail at the next request.
 */
const CREDENTIAL_RECHECK_MS = 30_000;
/** Live event ids are PostgreSQL bigints: decimals up to 2^63 - 1, one pattern for check and document. */
const EVENT_ID_PATTERN = decimalAtMost('9223372036854775807');
const NOT_AN_EVENT_ID = 'must be a live event id (a decimal number)';
const eventId = textField({ pattern: EVENT_ID_PATTERN, patternMessage: NOT_AN_EVENT_ID });

const eventsQuery = z.object({
  lastEventId: eventId
    .optional()
    .describe('Resume after this event id, as the Last-Event-ID header does (the header wins when both are given)'),
  conversationId: z.uuid().optional().describe('Only events of this conversation'),
  access_token: z.string().optional().describe('The bearer token, for EventSource clients that cannot send headers'),
});

const eventsHeaders = z.object({
  // EventSource sends it when it reconnects; an empty one is no id, as in the SSE spec.
  'last-event-id': textField({ pattern: new RegExp(`^$|${EVENT_ID_PATTERN.source}`), patternMessage: NOT_AN_EVENT_ID })
    .optional()
    .describe('The id of the last event received (sent by EventSource when it reconnects); replays what came after it'),
});

/** The JSON on each event's `data:` line. */
export const liveEventSchema = z
  .object({
    id: z.string().describe('The event id (also the SSE id): a decimal number, increasing'),
    type: z.enum(LIVE_EVENT_TYPES),
    conversationId: z.string().nullable(),
    messageId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).describe('A few facts about the change (status, acting agent…); fetch the rest'),
    createdAt: z.string().describe('ISO 8601'),
  })
  .describe("The JSON on each live event's data line");

/** The data of an `event: reset`. */
const liveEventResetSchema = z
  .object({
    reason: z.enum(['history_truncated', 'unknown_event_id']),
    resumeAfterId: z.string().describe('Carry on from this id (also the event\'s SSE id) once you have refetched'),
  })
  .describe('The JSON on the data line of an `event: reset`');

/**
 * One event of the stream, as OpenAPI 3.2's itemSchema describes stream items and as
 * Schemathesis checks them: the SSE fields, with the data line's JSON as its content schema.
 */
const streamEventSchema = z.object({
  id: textField({ pattern: EVENT_ID_PATTERN }).describe('The event id; send it back as Last-Event-ID'),
  event: z.enum([...liveEventSchema.shape.type.options, 'reset']),
  data: z.string().meta({
    contentMediaType: 'application/json',
    contentSchema: { oneOf: [{ $ref: '#/components/schemas/LiveEvent' }, { $ref: '#/components/schemas/LiveEventReset' }] },
  }),
});

const STREAM_DESCRIPTION = [
  'A `text/event-stream` that stays open. Each event is',
  '`id: <id>` / `event: <type>` / `data: <LiveEvent as JSON>`; a comment line `: heartbeat` comes every 15 s.',
  'Without Last-Event-ID the stream starts now. With the `Last-Event-ID` header (sent by EventSource when it',
  'reconnects) or `?lastEventId=`, the events after that id are replayed first (at most the last 1000, at most',
  '24 h old), then live ones follow with no gap and no duplicate. When the history cannot cover the gap, an',
  '`event: reset` (data `{ reason, resumeAfterId }`) comes first: refetch what you show.',
  'The stream ends when its credential stops holding (token revoked, session ended or expired, agent',
  'deactivated; checked every 30 s): reconnecting then answers 401.',
].join(' ');

export function registerEventRoutes(routes: ApiRoutes, deps: ApiDeps): void {
  // The stream itself is text; the JSON inside each event is published as a named schema.
  for (const [name, schema] of [['LiveEvent', liveEventSchema], ['LiveEventReset', liveEventResetSchema]] as const) {
    const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema);
    routes.registry.registerComponent('schemas', name, jsonSchema as never);
  }

  routes.add({
    method: 'get',
    path: '/api/events',
    summary: 'Live events as Server-Sent Events (resumable with Last-Event-ID)',
    tag: 'Events',
    access: 'agent',
    allowQueryToken: true,
    query: eventsQuery,
    headers: eventsHeaders,
    response: {
      status: 200,
      description: STREAM_DESCRIPTION,
      contentType: 'text/event-stream',
      schema: streamEventSchema.meta({
        description: 'Each event of the stream',
        example: {
          id: '42',
          event: 'message.received',
          data: '{"id":"42","type":"message.received","conversationId":"…","messageId":"…","data":{},"createdAt":"2026-01-01T12:00:00.000Z"}',
        },
      }),
    },
    async handle(ctx, { query, headers }) {
      const lastEventId = headers['last-event-id'] || query.lastEventId;
      const connection = createSseConnection(ctx, {
        heartbeatMs: HEARTBEAT_MS,
        retryMs: RETRY_MS,
        maxBufferedBytes: MAX_BUFFERED_BYTES,
        log: deps.log,
      });
      // Subscribing first (the replay is queued on the stream) lets a failure still answer
      // with a JSON error instead of a stream cut short.
      const unsubscribe = await deps.liveEvents.subscribe(
        lastEventId,
        (event) => {
          if (query.conversationId && event.conversationId !== query.conversationId) return;
          connection.send(formatLiveEvent(event));
        },
        {
          onReset: (reset) => connection.send(formatReset(reset)),
          onEnd: () => connection.close(),
        },
      );
      connection.onClose(unsubscribe);
      const recheck = setInterval(() => {
        credentialStillHolds(deps.db, ctx, { allowQueryToken: true }).then(
          (holds) => {
            if (holds) return;
            deps.log.info('live-event stream closed: its credential no longer holds');
            connection.close();
          },
          // The database did not answer: keep the stream; the next check decides.
          (error: unknown) => deps.log.warn({ err: error }, 'could not re-check a live-event stream\'s credential'),
        );
      }, deps.liveStreamRecheckMs ?? CREDENTIAL_RECHECK_MS);
      recheck.unref();
      connection.onClose(() => clearInterval(recheck));
      connection.start();
      return undefined;
    },
  });
}
