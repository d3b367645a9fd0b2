// Starting a conversation with a number: the first message goes out and the caller takes it.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import { conversationPath, navigate } from '../lib/route';
import { BodyMeter, judgeBody } from './BodyMeter';

const E164 = /^\+[1-9]\d{1,14}$/;

export function NewConversation({ onDone }: { onDone(): void }) {
  const [number, setNumber] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = judgeBody(body);
  const numberOk = E164.test(number.trim());

  async function submit(event: Event) {
    event.preventDefault();
    if (!numberOk || !check.ok) return;
    setBusy(true);
    setError(null);
    const { data, error: failure } = await api
      .POST('/api/conversations', { body: { customerNumber: number.trim(), body } })
      .catch(() => ({ data: undefined, error: undefined }));
    setBusy(false);
    if (!data) {
      setError(apiErrorOf(failure, 'The conversation could not be started; try again').message);
      return;
    }
    onDone();
    navigate(conversationPath(data.conversation.id));
  }

  return (
    <form id="new-conversation" class="new-conversation" onSubmit={submit} aria-label="New conversation">
      <label for="new-number">Customer number (E.164, e.g. +447700900123)</label>
      <input id="new-number" type="tel" required value={number} onInput={(e) => setNumber(e.currentTarget.value)} aria-invalid={number !== '' && !numberOk} />
      <label for="new-body">First message</label>
      <textarea id="new-body" rows={3} required value={body} onInput={(e) => setBody(e.currentTarget.value)} aria-describedby="new-body-meter" />
      <BodyMeter id="new-body-meter" body={body} check={check} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={busy || !numberOk || !check.ok}>
          Send and open
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
