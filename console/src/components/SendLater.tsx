// "Send later": the reply box's text, scheduled for a time the agent picks in their own clock
// (a datetime-local input, sent as ISO 8601 with the browser's offset). The server decides
// whether the time is acceptable (future, within the horizon) and its refusal is shown as is.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BodyCheck } from '@shared/message-limits.ts';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import { browserZoneLabel, isoToLocalInput, localInputToIso, preciseClockTime, timeUntil } from '../lib/time';
import { scheduleErrorWords } from './ScheduledMessage';

interface Props {
  conversationId: string;
  body: string;
  check: BodyCheck;
  allowed: boolean;
  /** Scheduled: the reply box may be emptied, and the panel closed. */
  onScheduled(notice: string): void;
}

/** A sensible first choice: an hour from now, on a whole five minutes. */
function inAnHour(): string {
  const at = new Date(Date.now() + 60 * 60_000);
  at.setMinutes(Math.ceil(at.getMinutes() / 5) * 5, 0, 0);
  return isoToLocalInput(at.toISOString());
}

/** The panel the reply form's "Send later…" button opens: its own form, as forms cannot nest. */
export function SendLaterForm({ conversationId, body, check, allowed, onScheduled }: Props) {
  const [when, setWhen] = useState(inAnHour);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const sendAt = localInputToIso(when);

  useEffect(() => input.current?.focus(), []);

  async function schedule() {
    if (!sendAt || !check.ok || !allowed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const { data, error: failure } = await api.POST('/api/conversations/{id}/messages', { params: { path: { id: conversationId } }, body: { body, sendAt } });
      if (data) {
        const at = data.sendAt ?? sendAt;
        onScheduled(`Scheduled for ${preciseClockTime(at, Date.now())} (${timeUntil(at, Date.now())}). Edit or cancel it in the thread until then.`);
      } else setError(scheduleErrorWords(apiErrorOf(failure, 'The message could not be scheduled')));
    } catch {
      setError('The server cannot be reached; nothing was scheduled');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      id="send-later-form"
      class="send-later-form"
      onSubmit={(event) => {
        event.preventDefault();
        void schedule();
      }}
    >
      <label for="send-at">Send at (your time: {browserZoneLabel(Date.now())})</label>
      <div class="row">
        <input id="send-at" ref={input} type="datetime-local" step={1} required value={when} onInput={(e) => setWhen(e.currentTarget.value)} aria-describedby="send-later-help" />
        <button type="submit" class="primary" disabled={busy || !allowed || !check.ok || !sendAt}>
          Schedule
        </button>
      </div>
      <p id="send-later-help" class="help">
        The text in the reply box goes out then; it can be edited or cancelled in the thread until it leaves.
      </p>
      {error && (
        <p class="error" role="alert" data-testid="send-later-error">
          {error}
        </p>
      )}
    </form>
  );
}
