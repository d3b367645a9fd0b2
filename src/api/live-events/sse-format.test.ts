import { describe, expect, it } from 'vitest';
import { formatComment, formatLiveEvent, formatReset, formatRetry } from './sse-format.ts';

describe('SSE frames', () => {
  it('writes an event as id, event and one line of JSON data, ended by a blank line', () => {
    const frame = formatLiveEvent({
      id: '42',
      type: 'message.received',
      conversationId: 'c',
      messageId: 'm',
      data: { note: 'two\nlines' },
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const [id, event, data, ...rest] = frame.split('\n');
    expect(id).toBe('id: 42');
    expect(event).toBe('event: message.received');
    expect(JSON.parse(data!.slice('data: '.length))).toEqual({
      id: '42',
      type: 'message.received',
      conversationId: 'c',
      messageId: 'm',
      data: { note: 'two\nlines' },
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(rest).toEqual(['', '']);
  });

  it('writes a reset with the id to resume after', () => {
    expect(formatReset({ reason: 'history_truncated', resumeAfterId: '7' })).toBe(
      'id: 7\nevent: reset\ndata: {"reason":"history_truncated","resumeAfterId":"7"}\n\n',
    );
  });

  it('keeps comments on one line and retry a whole number', () => {
    expect(formatComment('a\r\nb')).toBe(': a b\n\n');
    expect(formatRetry(1500.4)).toBe('retry: 1500\n\n');
  });
});
