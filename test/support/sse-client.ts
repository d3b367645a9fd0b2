// A Server-Sent Events client for tests, over fetch's body stream: it parses the stream as the
// WHATWG spec says a browser's EventSource does, keeps every event with the time it arrived,
// and lets a test wait for an event with a timeout (never a fixed sleep).
import { performance } from 'node:perf_hooks';

export interface SseEvent {
  /** The `id:` field of this event, if it had one. */
  id: string | undefined;
  /** The last event id as EventSource tracks it (what it would send as Last-Event-ID). */
  lastEventId: string;
  event: string;
  data: string;
  /** performance.now() when the event was dispatched. */
  receivedAt: number;
}

/** Incremental parser: feed text chunks, get the events dispatched by them. */
export class SseParser {
  private buffer = '';
  private pendingCr = false;
  private data: string[] = [];
  private eventType = '';
  private eventId: string | undefined;
  private lastEventIdValue = '';
  private sawData = false;
  comments: string[] = [];
  retry: number | undefined;

  get lastEventId(): string {
    return this.lastEventIdValue;
  }

  push(chunk: string): Array<Omit<SseEvent, 'receivedAt'>> {
    const events: Array<Omit<SseEvent, 'receivedAt'>> = [];
    let text = chunk;
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCr = true;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): Omit<SseEvent, 'receivedAt'> | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trimStart());
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.sawData = true;
    } else if (field === 'event') {
      this.eventType = value;
    } else if (field === 'id') {
      if (!value.includes('\0')) {
        this.eventId = value;
        this.lastEventIdValue = value;
      }
    } else if (field === 'retry') {
      if (/^\d+$/.test(value)) this.retry = Number(value);
    }
    return undefined;
  }

  private dispatch(): Omit<SseEvent, 'receivedAt'> | undefined {
    const event = this.sawData
      ? { id: this.eventId, lastEventId: this.lastEventIdValue, event: this.eventType || 'message', data: this.data.join('\n') }
      : undefined;
    this.data = [];
    this.eventType = '';
    this.eventId = undefined;
    this.sawData = false;
    return event;
  }
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** Every event so far, in arrival order. */
  events: SseEvent[];
  parser: SseParser;
  /** True once the server ended the stream (or it broke). */
  ended: boolean;
  /** The body of an answer that was not a stream (an error). */
  errorBody?: string;
  /** Resolves with the first event (already received or still to come) matching `predicate`. */
  waitForEvent(predicate: (event: SseEvent) => boolean, timeoutMs?: number, description?: string): Promise<SseEvent>;
  /** Resolves when the server has ended the stream. */
  waitForEnd(timeoutMs?: number): Promise<void>;
  close(): void;
}

export interface OpenSseOptions {
  token?: string;
  lastEventId?: string;
  headers?: Record<string, string>;
}

/** Opens the stream and resolves once the response headers are in (the subscription is live). */
export async function openSse(url: string, options: OpenSseOptions = {}): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: {
      Accept: 'text/event-stream',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.lastEventId !== undefined ? { 'Last-Event-ID': options.lastEventId } : {}),
      ...options.headers,
    },
    signal: abort.signal,
  });
  const parser = new SseParser();
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const client: SseClient = {
    status: response.status,
    headers: response.headers,
    events,
    parser,
    ended: false,
    waitForEvent(predicate, timeoutMs = 5_000, description = 'an event') {
      return new Promise<SseEvent>((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            finish();
            resolve(found);
          } else if (client.ended) {
            finish();
            reject(new Error(`The stream ended before ${description}; got ${describe(events)}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}; got ${describe(events)}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    waitForEnd(timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!client.ended) return;
          finish();
          resolve();
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for the stream to end`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      abort.abort();
    },
  };

  if (response.body && response.ok) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const receivedAt = performance.now();
          for (const event of parser.push(value)) events.push({ ...event, receivedAt });
          notify();
        }
      } catch {
        // aborted by close(), or the connection broke: either way the stream is over
      } finally {
        client.ended = true;
        notify();
      }
    })();
  } else {
    client.errorBody = await response.text();
    client.ended = true;
  }
  return client;
}

function describe(events: SseEvent[]): string {
  if (events.length === 0) return 'no events';
  return events.map((event) => `${event.id ?? '-'}:${event.event}`).join(', ');
}

/** The JSON on a live event's data line. */
export interface LiveEventData {
  id: string;
  type: string;
  conversationId: string | null;
  messageId: string | null;
  data: Record<string, any>;
  createdAt: string;
}

export function liveEventOf(event: SseEvent): LiveEventData {
  return JSON.parse(event.data) as LiveEventData;
}
