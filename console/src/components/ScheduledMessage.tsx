// A scheduled message in the thread: its text, when it leaves (local time and "in 2 h"), and
// Edit / Cancel while it waits. Editing happens in place (text, time or both; only what changed
// is sent); cancelling asks first. The workflow has the last word: a message that left meanwhile
// answers 409 not_scheduled, and the thread is re-read to show what happened instead.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf, type ApiError } from '../api/errors';
import type { Permission } from '../lib/permissions';
import { browserZoneLabel, isoToLocalInput, localInputToIso, preciseClockTime, timeUntil } from '../lib/time';
import { BodyMeter, judgeBody } from './BodyMeter';

interface Props {
  conversationId: string;
  message: { id: string; body: string; sendAt: string | null; createdAt: string };
  permission: Permission;
  now: number;
  onChanged(): void;
}

type Mode = 'view' | 'editing' | 'confirming';

/** What an agent reads for the API's refusals of an edit or a cancel. */
export function scheduleErrorWords(error: ApiError): string {
  if (error.code === 'not_scheduled') return 'Too late: this message is not waiting any more (it left, or was cancelled). The thread shows what happened.';
  if (error.code === 'invalid_send_at') return `Not scheduled: ${error.message.replace(/^sendAt /, 'the time ')}`;
  return error.message;
}

export function ScheduledMessage({ conversationId, message, permission, now, onChanged }: Props) {
  const [mode, setMode] = useState<Mode>('view');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sendAt = message.sendAt ?? message.createdAt;
  const path = { params: { path: { id: conversationId, messageId: message.id } } };

  async function run(action: () => Promise<{ error?: unknown; response: Response }>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      const { error: failure, response } = await action();
      if (response.ok) {
        setMode('view');
        onChanged();
        return;
      }
      const refusal = apiErrorOf(failure);
      setError(scheduleErrorWords(refusal));
      if (refusal.code === 'not_scheduled') onChanged();
    } catch {
      setError('The server cannot be reached; nothing was changed');
    } finally {
      setBusy(false);
    }
  }

  const reasonId = `scheduled-why-${message.id}`;
  return (
    <div class="scheduled" data-testid="scheduled">
      {mode === 'editing' ? (
        <EditScheduled
          id={message.id}
          body={message.body}
          sendAt={sendAt}
          now={now}
          busy={busy}
          onSave={(edit) => {
            if (edit) void run(() => api.PATCH('/api/conversations/{id}/messages/{messageId}', { ...path, body: edit }));
            else setMode('view');
          }}
          onDiscard={() => {
            setError(null);
            setMode('view');
          }}
        />
      ) : (
        <>
          {message.body && <p class="body">{message.body}</p>}
          <p class="schedule-time" data-testid="send-at">
            Scheduled for <time dateTime={sendAt}>{preciseClockTime(sendAt, now)}</time> ({timeUntil(sendAt, now)})
          </p>
          {mode === 'confirming' ? (
            <ConfirmCancel
              busy={busy}
              onConfirm={() => void run(() => api.DELETE('/api/conversations/{id}/messages/{messageId}', path))}
              onKeep={() => setMode('view')}
            />
          ) : (
            <div class="row scheduled-actions">
              {(['Edit', 'Cancel message'] as const).map((label) => (
                <button
                  key={label}
                  type="button"
                  disabled={busy || !permission.allowed}
                  title={permission.allowed ? undefined : permission.reason}
                  aria-describedby={permission.allowed ? undefined : reasonId}
                  onClick={() => setMode(label === 'Edit' ? 'editing' : 'confirming')}
                >
                  {label}
                </button>
              ))}
              {!permission.allowed && (
                <span id={reasonId} class="visually-hidden">
                  {permission.reason}
                </span>
              )}
            </div>
          )}
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function ConfirmCancel({ busy, onConfirm, onKeep }: { busy: boolean; onConfirm(): void; onKeep(): void }) {
  const keep = useRef<HTMLButtonElement>(null);
  // The safe answer has the focus, so a stray Enter keeps the message.
  useEffect(() => keep.current?.focus(), []);
  return (
    <div class="row confirm" role="group" aria-label="Cancel this scheduled message?">
      <span class="question">Cancel this message? It will not be sent.</span>
      <button type="button" class="danger" disabled={busy} onClick={onConfirm}>
        Yes, cancel it
      </button>
      <button type="button" ref={keep} disabled={busy} onClick={onKeep}>
        Keep it
      </button>
    </div>
  );
}

interface EditProps {
  id: string;
  body: string;
  sendAt: string;
  now: number;
  busy: boolean;
  /** What changed (undefined: nothing did). */
  onSave(edit: { body?: string; sendAt?: string } | undefined): void;
  onDiscard(): void;
}

function EditScheduled({ id, body: storedBody, sendAt: storedSendAt, now, busy, onSave, onDiscard }: EditProps) {
  const storedLocal = isoToLocalInput(storedSendAt);
  const [body, setBody] = useState(storedBody);
  const [when, setWhen] = useState(storedLocal);
  const text = useRef<HTMLTextAreaElement>(null);
  useEffect(() => text.current?.focus(), []);
  const check = judgeBody(body);
  const sendAt = localInputToIso(when);

  return (
    <form
      class="edit-scheduled"
      onSubmit={(event) => {
        event.preventDefault();
        if (!check.ok || !sendAt) return;
        const edit = { ...(body !== storedBody ? { body } : {}), ...(when !== storedLocal ? { sendAt } : {}) };
        onSave(Object.keys(edit).length > 0 ? edit : undefined);
      }}
    >
      <label for={`edit-body-${id}`}>Scheduled text</label>
      <textarea id={`edit-body-${id}`} ref={text} rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} aria-describedby={`edit-meter-${id}`} />
      <BodyMeter id={`edit-meter-${id}`} body={body} check={check} />
      <label for={`edit-when-${id}`}>Send at (your time: {browserZoneLabel(now)})</label>
      <input id={`edit-when-${id}`} type="datetime-local" step={1} required value={when} onInput={(e) => setWhen(e.currentTarget.value)} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy || !check.ok || !sendAt}>
          Save changes
        </button>
        <button type="button" disabled={busy} onClick={onDiscard}>
          Discard changes
        </button>
      </div>
    </form>
  );
}
