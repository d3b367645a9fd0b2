// One conversation: who, its state and the actions the agent may take, the whole thread, and
// the composer. Kept current by live events of this conversation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import type { ConversationDetail, SessionAgent, ThreadItem } from '../api/types';
import { subscribe } from '../lib/event-bus';
import { permissionsFor } from '../lib/permissions';
import { useNow } from '../lib/use-now';
import { ActionBar } from './ActionBar';
import { Composer } from './Composer';
import { ContactName } from './ContactName';
import { ConversationClocks } from './ConversationClocks';
import { ThreadView, itemKey } from './ThreadView';

const PAGE_SIZE = 50;
const REFRESH_DEBOUNCE_MS = 80;

/** By time only: items of the same instant keep the order the API gave them (the sort is stable). */
function byTime(a: ThreadItem, b: ThreadItem): number {
  const left = Date.parse(a.at);
  const right = Date.parse(b.at);
  return left === right ? 0 : left < right ? -1 : 1;
}

function merge(existing: ThreadItem[], incoming: ThreadItem[]): ThreadItem[] {
  const all = new Map(existing.map((item) => [itemKey(item), item]));
  for (const item of incoming) all.set(itemKey(item), item);
  return [...all.values()].sort(byTime);
}

export function ConversationView({ id, me }: { id: string; me: SessionAgent }) {
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [items, setItems] = useState<ThreadItem[]>([]);
  const [olderCursor, setOlderCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  const heading = useRef<HTMLHeadingElement>(null);

  async function loadDetail() {
    const { data, error: failure } = await api.GET('/api/conversations/{id}', { params: { path: { id } } }).catch(() => ({ data: undefined, error: undefined }));
    if (data) {
      setDetail(data);
      setError(null);
    } else setError(apiErrorOf(failure, 'The conversation could not be loaded').message);
  }

  async function loadLatest() {
    const { data } = await api.GET('/api/conversations/{id}/thread', { params: { path: { id }, query: { limit: PAGE_SIZE } } }).catch(() => ({ data: undefined }));
    if (!data) return;
    setItems((previous) => merge(previous, data.items));
    // Only the first load decides where "earlier" starts; later refreshes only add new items.
    setOlderCursor((previous) => (previous === undefined ? data.nextBefore : previous));
  }

  async function loadOlder() {
    if (!olderCursor) return;
    const { data } = await api.GET('/api/conversations/{id}/thread', { params: { path: { id }, query: { limit: PAGE_SIZE, before: olderCursor } } });
    if (!data) return;
    setItems((previous) => merge(previous, data.items));
    setOlderCursor(data.nextBefore);
  }

  function markRead() {
    if (document.visibilityState === 'visible') void api.POST('/api/conversations/{id}/read', { params: { path: { id } } }).catch(() => undefined);
  }

  useEffect(() => {
    void Promise.all([loadDetail(), loadLatest()]).then(() => heading.current?.focus());
    markRead();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe((event) => {
      if (event !== 'refresh' && event.conversationId !== id) return;
      if (event !== 'refresh' && event.type === 'message.received') markRead();
      clearTimeout(timer);
      timer = setTimeout(() => void Promise.all([loadDetail(), loadLatest()]), REFRESH_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [id]);

  if (!detail) {
    return error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : (
      <p role="status">Loading the conversation…</p>
    );
  }

  const optedOut = detail.contact.optedOut;
  const permissions = permissionsFor(me, { status: detail.status, assignedAgent: detail.assignedAgent, needsAttention: detail.needsAttention, optedOut });
  const customer = detail.contact.name || detail.customerNumber;
  const owner = detail.assignedAgent ? (detail.assignedAgent.id === me.id ? 'You' : detail.assignedAgent.name) : 'Unassigned';

  return (
    <article class="conversation" aria-labelledby="conversation-title" data-testid="conversation" data-status={detail.status}>
      <header class="conversation-head">
        <h2 id="conversation-title" ref={heading} tabIndex={-1}>
          {customer}
        </h2>
        <p class="facts">
          {detail.contact.name && <span>{detail.customerNumber}</span>}
          <span>to {detail.businessNumber}</span>
          <span class={`badge status-${detail.status}`}>{detail.status === 'open' ? 'Open' : 'Closed'}</span>
          <span class="badge owner" data-testid="owner">
            Owner: {owner}
          </span>
          {detail.needsAttention && (
            <span class="badge attention" data-testid="attention">
              Needs attention{detail.attentionReason ? `: ${detail.attentionReason}` : ''}
            </span>
          )}
        </p>
        <ConversationClocks detail={detail} now={now} />
        <ContactName contactId={detail.contact.id} name={detail.contact.name} onSaved={() => void loadDetail()} />
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ActionBar detail={detail} me={me} permissions={permissions} onChanged={setDetail} />
      {optedOut && (
        <p class="opted-out-banner" role="status" data-testid="opted-out-banner">
          This customer has opted out{detail.contact.optOutKeyword ? ` (texted ${detail.contact.optOutKeyword})` : ''}. Nothing can be sent to them until they text
          START.
        </p>
      )}
      <ThreadView
        conversationId={id}
        items={items}
        hasOlder={Boolean(olderCursor)}
        onLoadOlder={() => void loadOlder()}
        now={now}
        schedulePermission={permissions.changeScheduled}
        onChanged={() => void Promise.all([loadDetail(), loadLatest()])}
      />
      <Composer key={id} conversationId={id} customer={customer} permissions={permissions} optedOut={optedOut} onSent={() => void Promise.all([loadDetail(), loadLatest()])} />
    </article>
  );
}
