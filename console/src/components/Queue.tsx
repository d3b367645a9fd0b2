// The queue: conversations that need attention first, oldest waiting first; tabs for mine,
// unassigned, all open and closed; search by number, name or message text. Refetched when a
// live event arrives (events carry ids, not content), so new texts show within a second.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import type { ConversationSummary, ListQuery, SessionAgent } from '../api/types';
import { subscribe } from '../lib/event-bus';
import { conversationPath, linkHandler } from '../lib/route';
import { queueRowBreached } from '../lib/sla';
import { useNow } from '../lib/use-now';
import { waitingFor } from '../lib/time';
import { NewConversation } from './NewConversation';

type TabKey = 'mine' | 'unassigned' | 'open' | 'closed';

const TABS: { key: TabKey; label: string; query: ListQuery }[] = [
  { key: 'mine', label: 'Mine', query: { status: 'open', assignedTo: 'me', sort: 'oldest_waiting' } },
  { key: 'unassigned', label: 'Unassigned', query: { status: 'open', assignedTo: 'none', sort: 'oldest_waiting' } },
  { key: 'open', label: 'All open', query: { status: 'open', sort: 'oldest_waiting' } },
  { key: 'closed', label: 'Closed', query: { status: 'closed', sort: 'recent' } },
];

const PAGE_SIZE = 50;
/** Live events come in bursts (a text, its auto-reply, their statuses): one refetch per burst. */
const REFRESH_DEBOUNCE_MS = 120;

export function Queue({ me, selectedId }: { me: SessionAgent; selectedId: string | null }) {
  const [tab, setTab] = useState<TabKey>('open');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [rows, setRows] = useState<ConversationSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const request = useRef(0);
  const now = useNow();

  async function load(cursor?: string) {
    const id = ++request.current;
    const base = TABS.find((t) => t.key === tab)!.query;
    const { data, error: failure } = await api
      .GET('/api/conversations', { params: { query: { ...base, limit: PAGE_SIZE, ...(query ? { q: query } : {}), ...(cursor ? { cursor } : {}) } } })
      .catch(() => ({ data: undefined, error: undefined }));
    if (id !== request.current) return;
    if (!data) {
      setError(apiErrorOf(failure, 'The queue could not be loaded; it will retry on the next update').message);
      return;
    }
    setError(null);
    setRows((previous) => (cursor && previous ? [...previous, ...data.conversations] : data.conversations));
    setNextCursor(data.nextCursor);
  }

  useEffect(() => {
    setRows(null);
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(), REFRESH_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [tab, query]);

  // Search as the agent types, once they pause.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);

  return (
    <nav class="queue" aria-labelledby="queue-title">
      <div class="queue-head">
        <h2 id="queue-title">Queue</h2>
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating} aria-controls="new-conversation">
          New conversation
        </button>
      </div>
      {creating && <NewConversation onDone={() => setCreating(false)} />}
      <div class="tabs" role="group" aria-label="Which conversations">
        {TABS.map((t) => (
          <button type="button" key={t.key} aria-pressed={tab === t.key} onClick={() => setTab(t.key)}>
            {t.label}
          </button>
        ))}
      </div>
      <label for="queue-search" class="visually-hidden">
        Search by number, name or message text
      </label>
      <input
        id="queue-search"
        type="search"
        placeholder="Search number, name or text"
        value={search}
        onInput={(e) => setSearch(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {rows === null ? (
        <p role="status">Loading…</p>
      ) : rows.length === 0 ? (
        <p class="empty">{query ? 'No conversation matches.' : 'Nothing here.'}</p>
      ) : (
        <ul class="queue-list" aria-label={`${TABS.find((t) => t.key === tab)!.label} conversations`} data-testid="queue-list">
          {rows.map((row) => (
            <QueueRow key={row.id} row={row} me={me} selected={row.id === selectedId} now={now} />
          ))}
        </ul>
      )}
      {nextCursor && (
        <button type="button" class="more" onClick={() => void load(nextCursor)}>
          Load more
        </button>
      )}
    </nav>
  );
}

const AUTHOR_PREFIX = { customer: '', agent: 'Agent', auto_response: 'Auto', system: 'System' } as const;
/** A last message that has not gone out (yet, or ever) says so: it is not what the customer read. */
const NOT_SENT: Record<string, string> = { scheduled: 'scheduled', canceled: 'canceled', refused: 'not sent' };

function lastMessageLine(last: NonNullable<ConversationSummary['lastMessage']>): string {
  const qualifier = last.direction === 'outbound' ? NOT_SENT[last.status] : undefined;
  const prefix = AUTHOR_PREFIX[last.author];
  if (!prefix) return last.body;
  return `${prefix}${qualifier ? ` (${qualifier})` : ''}: ${last.body}`;
}

function QueueRow({ row, me, selected, now }: { row: ConversationSummary; me: SessionAgent; selected: boolean; now: number }) {
  const customer = row.contact?.name || row.customerNumber;
  const owner = row.assignedAgent ? (row.assignedAgent.id === me.id ? 'You' : row.assignedAgent.name) : 'Unassigned';
  const last = row.lastMessage;
  const path = conversationPath(row.id);
  return (
    <li class={`queue-row${row.needsAttention ? ' attention' : ''}${selected ? ' selected' : ''}`} data-conversation-id={row.id}>
      <a href={path} onClick={linkHandler(path)} aria-current={selected ? 'page' : undefined}>
        <span class="row-top">
          <span class="customer">{customer}</span>
          {row.unreadCount > 0 && (
            <span class="unread" aria-label={`${row.unreadCount} unread`}>
              {row.unreadCount}
            </span>
          )}
        </span>
        <span class="last-message">{last ? lastMessageLine(last) : 'No messages yet'}</span>
        <span class="row-meta">
          {row.needsAttention && row.waitingSince ? (
            <span class="waiting">
              Waiting {waitingFor(row.waitingSince, now)}
              {queueRowBreached(row) && (
                <span class="sla-flag" data-testid="sla-flag" title="Waited past the response-time target">
                  SLA<span class="visually-hidden"> breached</span>
                </span>
              )}
            </span>
          ) : (
            <span class="quiet">{row.status === 'closed' ? 'Closed' : 'Answered'}</span>
          )}
          <span class="owner">{owner}</span>
        </span>
      </a>
    </li>
  );
}
