// The live-event stream (GET /api/events, Server-Sent Events) for the whole page: one
// connection, resumed where it left off. The browser's EventSource reconnects by itself after a
// dropped connection, sending Last-Event-ID, and the API replays what was missed. But a failed
// reconnect that gets an HTTP error (a restarting API behind a proxy answers 502/503) closes an
// EventSource for good — so this wrapper opens a new one, with ?lastEventId= to resume, backing
// off up to 10 s. The page is told when it is offline and when it is back.

// Every event type the API streams, from the list the API's own schema is made from:
// EventSource only dispatches named events listened for, so a type added there (as
// message.scheduled and conversation.sla_breached were) reaches the page without an edit here.
import { LIVE_EVENT_TYPES } from '@shared/live-events.ts';

export type LiveStatus = 'connecting' | 'online' | 'offline';

export interface LiveEvent {
  id: string;
  type: string;
  conversationId: string | null;
  messageId: string | null;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface LiveEventsOptions {
  onEvent(event: LiveEvent): void;
  /** The server could not replay everything missed: refetch what is shown. */
  onReset(): void;
  onStatus(status: LiveStatus): void;
  /** The stream failed for good once: the session may be gone (the caller checks it). */
  onClosed(): void;
}

const MAX_BACKOFF_MS = 10_000;

export function connectLiveEvents(options: LiveEventsOptions): () => void {
  let source: EventSource | undefined;
  let lastEventId = '';
  let stopped = false;
  let backoffMs = 500;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function remember(message: MessageEvent): void {
    if (message.lastEventId) lastEventId = message.lastEventId;
  }

  function open(): void {
    const url = lastEventId ? `/api/events?lastEventId=${encodeURIComponent(lastEventId)}` : '/api/events';
    const current = new EventSource(url);
    source = current;
    options.onStatus('connecting');
    current.addEventListener('open', () => {
      backoffMs = 500;
      options.onStatus('online');
    });
    current.addEventListener('error', () => {
      if (stopped) return;
      options.onStatus('offline');
      if (current.readyState === EventSource.CLOSED) {
        options.onClosed();
        timer = setTimeout(open, backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    });
    for (const type of LIVE_EVENT_TYPES) {
      current.addEventListener(type, (message) => {
        remember(message);
        try {
          options.onEvent(JSON.parse(message.data) as LiveEvent);
        } catch {
          // Not the API's JSON: nothing to act on.
        }
      });
    }
    current.addEventListener('reset', (message) => {
      remember(message);
      options.onReset();
    });
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}
