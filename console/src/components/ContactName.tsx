// The customer's name as agents call them (PATCH /api/contacts/{id}); the queue and the thread
// show it instead of the number once known.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';

export function ContactName({ contactId, name, onSaved }: { contactId: string; name: string | null; onSaved(): void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name ?? '');
  const [error, setError] = useState<string | null>(null);

  if (!editing) {
    return (
      <button
        type="button"
        class="link-button"
        onClick={() => {
          setValue(name ?? '');
          setEditing(true);
        }}
      >
        {name ? 'Edit name' : 'Add name'}
      </button>
    );
  }

  async function save(event: Event) {
    event.preventDefault();
    const { data, error: failure } = await api
      .PATCH('/api/contacts/{id}', { params: { path: { id: contactId } }, body: { name: value.trim() || null } })
      .catch(() => ({ data: undefined, error: undefined }));
    if (!data) {
      setError(apiErrorOf(failure, 'The name could not be saved').message);
      return;
    }
    setError(null);
    setEditing(false);
    onSaved();
  }

  return (
    <form class="row contact-name" onSubmit={save}>
      <label for="contact-name">Customer name</label>
      <input id="contact-name" maxLength={120} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Save name</button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
