// The whole thread in one list: customer texts, agent replies (with the agent's name),
// auto-replies (with the rule's name), system messages, internal notes and the audit events,
// in time order. Customer text is always rendered as text (Preact escapes it), never as HTML.
import type { ThreadItem } from '../api/types';
import type { Permission } from '../lib/permissions';
import { clockTime, durationWords, preciseClockTime } from '../lib/time';
import { deliveryErrorWords } from '../lib/twilio-errors';
import { ScheduledMessage } from './ScheduledMessage';

export function itemKey(item: ThreadItem): string {
  if (item.kind === 'message') return `m:${item.message.id}`;
  if (item.kind === 'note') return `n:${item.note.id}`;
  return `e:${item.event.id}`;
}

interface Props {
  conversationId: string;
  items: ThreadItem[];
  hasOlder: boolean;
  onLoadOlder(): void;
  now: number;
  /** Whether the agent may change the conversation's scheduled messages (the reply rules). */
  schedulePermission: Permission;
  /** A scheduled message was edited or cancelled (or turned out to have left): re-read. */
  onChanged(): void;
}

export function ThreadView({ conversationId, items, hasOlder, onLoadOlder, now, schedulePermission, onChanged }: Props) {
  return (
    <section class="thread" aria-labelledby="thread-title">
      <h3 id="thread-title" class="visually-hidden">
        Thread
      </h3>
      {hasOlder && (
        <button type="button" class="more" onClick={onLoadOlder}>
          Show earlier
        </button>
      )}
      {/* role=log: screen readers announce items as they are added (new texts, statuses). */}
      <div role="log" aria-live="polite" aria-label="Messages, notes and events">
      <ol data-testid="thread">
        {items.map((item) => (
          <li key={itemKey(item)} class={`item item-${item.kind}${item.kind === 'message' ? ` ${item.message.direction}` : ''}`} data-kind={item.kind}>
            {item.kind === 'message' ? (
              <MessageItem conversationId={conversationId} message={item.message} now={now} schedulePermission={schedulePermission} onChanged={onChanged} />
            ) : item.kind === 'note' ? (
              <NoteItem note={item.note} now={now} />
            ) : (
              <EventItem event={item.event} now={now} />
            )}
          </li>
        ))}
      </ol>
      </div>
    </section>
  );
}

type Message = Extract<ThreadItem, { kind: 'message' }>['message'];
type Note = Extract<ThreadItem, { kind: 'note' }>['note'];
type AuditEvent = Extract<ThreadItem, { kind: 'event' }>['event'];

function authorOf(message: Message): string {
  if (message.author === 'customer') return 'Customer';
  if (message.author === 'agent') return message.agentName ?? 'Agent';
  if (message.author === 'auto_response') return `Auto-reply${message.ruleName ? `: ${message.ruleName}` : ''}`;
  return 'System';
}

const STATUS_WORDS: Record<string, string> = {
  pending: 'Sending…',
  accepted: 'Accepted',
  scheduled: 'Scheduled',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  undelivered: 'Undelivered',
  failed: 'Failed',
  canceled: 'Canceled',
  refused: 'Not sent (opted out)',
};

interface MessageProps {
  conversationId: string;
  message: Message;
  now: number;
  schedulePermission: Permission;
  onChanged(): void;
}

/** The delivery line: the status in words, and why a message did not reach the customer. */
function deliveryWords(message: Message, now: number): string {
  const words = STATUS_WORDS[message.status] ?? message.status;
  if (message.status === 'failed' || message.status === 'undelivered') return `${words}: ${deliveryErrorWords(message.errorCode, message.errorMessage)}`;
  if ((message.status === 'canceled' || message.status === 'refused') && message.errorMessage) {
    const was = message.sendAt ? ` (was scheduled for ${preciseClockTime(message.sendAt, now)})` : '';
    return `Not sent: ${message.errorMessage}${was}`;
  }
  return words;
}

function MessageItem({ conversationId, message, now, schedulePermission, onChanged }: MessageProps) {
  const waiting = message.direction === 'outbound' && message.status === 'scheduled';
  const unsent = message.status === 'canceled' || message.status === 'refused';
  return (
    <div class={`message ${message.direction} author-${message.author}${waiting ? ' is-scheduled' : ''}${unsent ? ' is-unsent' : ''}`} data-message-id={message.id}>
      <p class="meta">
        <span class="author">{authorOf(message)}</span> · <time dateTime={message.createdAt}>{clockTime(message.createdAt, now)}</time>
        {message.sendAt && !waiting && !unsent && ` · scheduled for ${preciseClockTime(message.sendAt, now)}`}
      </p>
      {waiting ? (
        <ScheduledMessage conversationId={conversationId} message={message} permission={schedulePermission} now={now} onChanged={onChanged} />
      ) : (
        message.body && <p class="body">{message.body}</p>
      )}
      {message.mediaUrls.length > 0 && (
        <div class="media">
          {message.mediaUrls.map((_url, index) => {
            const src = `/api/conversations/${conversationId}/media/${index}?message=${encodeURIComponent(message.id)}`;
            return (
              <a key={index} href={src} target="_blank" rel="noopener">
                <img src={src} alt={`Attachment ${index + 1} from ${message.direction === 'inbound' ? 'the customer' : 'us'}`} loading="lazy" />
              </a>
            );
          })}
        </div>
      )}
      {message.direction === 'outbound' && (
        <p class={`delivery status-${message.status}`} data-testid="delivery-status" data-status={message.status}>
          {deliveryWords(message, now)}
        </p>
      )}
    </div>
  );
}

function NoteItem({ note, now }: { note: Note; now: number }) {
  return (
    <div class="note">
      <p class="meta">
        <span class="author">Internal note by {note.agentName}</span> · <time dateTime={note.createdAt}>{clockTime(note.createdAt, now)}</time> ·{' '}
        <span class="never-sent">not sent to the customer</span>
      </p>
      <p class="body">{note.body}</p>
    </div>
  );
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function describeEvent(event: AuditEvent): string {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const by = event.agentName ?? event.agent?.name ?? null;
  const byText = by ? ` by ${by}` : '';
  const reason = text(data.reason);
  switch (event.type) {
    case 'opened':
      return 'Conversation opened';
    case 'assigned': {
      const to = text(data.agentName) ?? 'an agent';
      if (data.takenOver) return `Transferred from ${text(data.previousAgentName) ?? 'another agent'} to ${to}${byText}`;
      return by && by === to ? `${to} took the conversation` : `Assigned to ${to}${byText}`;
    }
    case 'unassigned':
      return `Unassigned${text(data.previousAgentName) ? ` from ${text(data.previousAgentName)}` : ''}${byText}`;
    case 'closed':
      // Closed by the conversation's own clock (inactivity, or an opted-out customer): no agent.
      if (data.automatic) return `Closed automatically${reason ? ` (${reason})` : ''}`;
      return `Closed${byText}${reason ? `: ${reason}` : ''}`;
    case 'sla_breached':
      // The reason is the wait itself ("waiting 17 min").
      return `SLA breached: the customer has been ${reason ?? 'waiting past the response-time target'}`;
    case 'reopened':
      return `Reopened${byText}`;
    case 'flagged':
      return `Flagged${byText}${reason ? `: ${reason}` : ''}`;
    case 'unflagged':
      return `Flag cleared${byText}`;
    case 'opted_out':
      return `Customer opted out${text(data.keyword) ? ` (${text(data.keyword)})` : ''}`;
    case 'opted_in':
      return 'Customer opted back in';
    case 'attention_cleared':
      return `Attention cleared${byText}`;
    case 'responded': {
      // A wait under a minute reads "within a minute", not "after 1 min".
      const waited = typeof data.waitedSeconds !== 'number' ? '' : data.waitedSeconds < 60 ? ' within a minute' : ` after ${durationWords(data.waitedSeconds * 1000)}`;
      return `Answered${byText}${waited}${data.withinTarget === false ? ' (over the response-time target)' : ''}`;
    }
    case 'send_refused':
      return `A message${byText} was not sent: the customer has opted out`;
    default:
      return `${event.type.replace(/_/g, ' ')}${byText}`;
  }
}

function EventItem({ event, now }: { event: AuditEvent; now: number }) {
  return (
    <p class="event">
      <span>{describeEvent(event)}</span> · <time dateTime={event.createdAt}>{clockTime(event.createdAt, now)}</time>
    </p>
  );
}
