// A minimal Server-Sent Events reader: each event's data, with the moment it arrived.
import { epochMs } from './clock.ts';

export interface ReceivedEvent {
  arrivedAt: number;
  event: string;
  data: string;
}

/** The event stream must never grow without bound, even if the server floods it. */
const MAX_EVENTS = 100_000;

export class SseCollector {
  readonly events: ReceivedEvent[] = [];

  /** Reads `body` until it ends or the signal aborts; resolves then. */
  async consume(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    let data: string[] = [];
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        const arrivedAt = epochMs();
        buffer += decoder.decode(value, { stream: true });
        let newline: number;
        while ((newline = buffer.search(/\r?\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
          if (line === '') {
            if (data.length > 0 && this.events.length < MAX_EVENTS) this.events.push({ arrivedAt, event, data: data.join('\n') });
            event = 'message';
            data = [];
          } else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          else if (line.startsWith('event:')) event = line.slice(6).trim();
        }
      }
    } catch {
      // Aborted by the benchmark: the events so far are what counts.
    }
  }
}
