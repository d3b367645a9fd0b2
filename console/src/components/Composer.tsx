// The reply box and the internal-note box. A reply is judged as Twilio will count it (see
// BodyMeter) and cannot be sent when it would be refused; canned replies come from a picker or
// by typing /shortcut. Notes stay inside the team: they are never sent to the customer.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import type { CannedReply } from '../api/types';
import type { Permissions } from '../lib/permissions';
import { BodyMeter, judgeBody } from './BodyMeter';
import { CannedPicker, shortcutMatches } from './CannedPicker';
import { SendLaterForm } from './SendLater';

interface Props {
  conversationId: string;
  customer: string;
  permissions: Permissions;
  optedOut: boolean;
  onSent(): void;
}

type Mode = 'reply' | 'note';

export function Composer({ conversationId, customer, permissions, optedOut, onSent }: Props) {
  const [mode, setMode] = useState<Mode>(optedOut ? 'note' : 'reply');
  const [reply, setReply] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [canned, setCanned] = useState<CannedReply[]>([]);
  const [active, setActive] = useState(0);
  const [later, setLater] = useState(false);
  const [scheduledNotice, setScheduledNotice] = useState<string | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const laterToggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void api.GET('/api/canned-replies').then(({ data }) => data && setCanned(data.cannedReplies)).catch(() => undefined);
  }, []);
  useEffect(() => {
    if (optedOut) setMode('note');
  }, [optedOut]);
  // "Scheduled for …" is news, not state: it would be stale once the message leaves.
  useEffect(() => {
    if (!scheduledNotice) return;
    const timer = setTimeout(() => setScheduledNotice(null), 10_000);
    return () => clearTimeout(timer);
  }, [scheduledNotice]);

  const check = judgeBody(reply);
  const suggestions = mode === 'reply' ? shortcutMatches(reply, canned) : [];
  const replyAllowed = permissions.reply.allowed;

  function insert(body: string) {
    setReply(body);
    setActive(0);
    textarea.current?.focus();
  }

  async function sendReply() {
    if (!check.ok || !replyAllowed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { data, error: failure } = await api.POST('/api/conversations/{id}/messages', { params: { path: { id: conversationId } }, body: { body: reply } });
      if (data) {
        setReply('');
        onSent();
      } else setError(apiErrorOf(failure, 'The reply could not be sent').message);
    } catch {
      setError('The server cannot be reached; the reply was not sent');
    } finally {
      setBusy(false);
    }
  }

  async function addNote() {
    if (!note.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { data, error: failure } = await api.POST('/api/conversations/{id}/notes', { params: { path: { id: conversationId } }, body: { body: note } });
      if (data) {
        setNote('');
        onSent();
      } else setError(apiErrorOf(failure, 'The note could not be saved').message);
    } catch {
      setError('The server cannot be reached; the note was not saved');
    } finally {
      setBusy(false);
    }
  }

  function onReplyKeyDown(event: KeyboardEvent) {
    if (suggestions.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((active + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        insert(suggestions[Math.min(active, suggestions.length - 1)]!.body);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void sendReply();
    }
  }

  return (
    <section class="composer" aria-label="Write">
      <div class="mode" role="group" aria-label="Write a">
        {!optedOut && (
          <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
            Reply
          </button>
        )}
        <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          Internal note
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {mode === 'reply' && !optedOut && (
        <form
          class="reply-form"
          onSubmit={(event) => {
            event.preventDefault();
            void sendReply();
          }}
        >
          <label for="reply">Reply to {customer} by SMS</label>
          {!replyAllowed && (
            <p class="why" id="reply-why" data-testid="reply-why">
              {(permissions.reply as { reason: string }).reason}
            </p>
          )}
          <textarea
            id="reply"
            ref={textarea}
            rows={4}
            value={reply}
            disabled={!replyAllowed}
            onInput={(e) => {
              setReply(e.currentTarget.value);
              setActive(0);
              setScheduledNotice(null);
            }}
            onKeyDown={onReplyKeyDown}
            aria-describedby={`reply-meter reply-help${replyAllowed ? '' : ' reply-why'}`}
            aria-controls={suggestions.length > 0 ? 'shortcut-suggestions' : undefined}
          />
          {suggestions.length > 0 && (
            <ul id="shortcut-suggestions" class="suggestions" aria-label="Canned replies matching the shortcut">
              {suggestions.map((item, index) => (
                <li key={item.id}>
                  <button type="button" class={index === active ? 'active' : ''} aria-current={index === active ? 'true' : undefined} onClick={() => insert(item.body)}>
                    <strong>/{item.shortcut}</strong> {item.title}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <BodyMeter id="reply-meter" body={reply} check={check} />
          <p id="reply-help" class="help">
            Type / and a shortcut for a canned reply (Enter inserts it). Ctrl+Enter sends.
          </p>
          <div class="row">
            <button type="submit" class="primary" disabled={busy || !replyAllowed || !check.ok}>
              Send reply
            </button>
            <CannedPicker canned={canned} disabled={!replyAllowed} onPick={insert} />
            <button
              type="button"
              ref={laterToggle}
              aria-expanded={later}
              aria-controls="send-later-form"
              disabled={!replyAllowed}
              onClick={() => {
                setLater(!later);
                setScheduledNotice(null);
              }}
            >
              Send later…
            </button>
          </div>
        </form>
      )}
      {/* After the reply form, not in it (forms cannot nest): Enter in its time field schedules, never sends now. */}
      {mode === 'reply' && !optedOut && later && (
        <SendLaterForm
          conversationId={conversationId}
          body={reply}
          check={check}
          allowed={replyAllowed}
          onScheduled={(notice) => {
            setReply('');
            setLater(false);
            setScheduledNotice(notice);
            laterToggle.current?.focus();
            onSent();
          }}
        />
      )}
      {/* Always present, so screen readers announce the text put into it. */}
      <p class="notice composer-status" role="status">
        {mode === 'reply' ? scheduledNotice : null}
      </p>
      {mode === 'note' && (
        <form
          class="note-form"
          onSubmit={(event) => {
            event.preventDefault();
            void addNote();
          }}
        >
          <label for="note">Internal note (only agents see it; never sent)</label>
          <textarea id="note" rows={3} value={note} maxLength={4000} onInput={(e) => setNote(e.currentTarget.value)} />
          <div class="row">
            <button type="submit" class="primary" disabled={busy || !note.trim()}>
              Add note
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
