// The text/event-stream wire format (WHATWG HTML, "Server-sent events"). Every field value here
// is a single line: ids are digits, types are fixed words, and JSON.stringify escapes newlines.
import type { LiveEventRecord, LiveEventReset } from './live-event-hub.ts';

function frame(fields: Array<[name: string, value: string]>): string {
  return fields.map(([name, value]) => `${name}: ${value}\n`).join('') + '\n';
}

/** `id`, `event` and `data` (the event as JSON), so a client can resume and fetch details. */
export function formatLiveEvent(event: LiveEventRecord): string {
  const body = {
    id: event.id,
    type: event.type,
    conversationId: event.conversationId,
    messageId: event.messageId,
    data: event.data,
    createdAt: event.createdAt,
  };
  return frame([
    ['id', event.id],
    ['event', event.type],
    ['data', JSON.stringify(body)],
  ]);
}

/** Tells the client it missed events the history no longer has: refetch, then carry on. */
export function formatReset(reset: LiveEventReset): string {
  return frame([
    ['id', reset.resumeAfterId],
    ['event', 'reset'],
    ['data', JSON.stringify(reset)],
  ]);
}

/** A comment line: ignored by clients, keeps proxies and load balancers from timing out. */
export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** How long a browser's EventSource waits before reconnecting. */
export function formatRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}
