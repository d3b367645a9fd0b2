// Canned replies: a picker (a disclosure listing them, filterable) and the /shortcut matcher
// the reply box uses.
import { useState } from 'preact/hooks';
import type { CannedReply } from '../api/types';

/** Canned replies whose shortcut starts with what follows a leading "/" (the whole box). */
export function shortcutMatches(text: string, canned: CannedReply[]): CannedReply[] {
  const match = /^\/(\S*)$/.exec(text);
  if (!match) return [];
  const typed = match[1]!.toLowerCase();
  return canned.filter((item) => item.shortcut.toLowerCase().startsWith(typed)).slice(0, 8);
}

export function CannedPicker({ canned, disabled, onPick }: { canned: CannedReply[]; disabled: boolean; onPick(body: string): void }) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const shown = canned.filter((item) => `${item.shortcut} ${item.title} ${item.body}`.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div class="canned">
      <button type="button" aria-expanded={open} aria-controls="canned-list" disabled={disabled || canned.length === 0} onClick={() => setOpen(!open)}>
        Canned replies{canned.length === 0 ? ' (none yet)' : ''}
      </button>
      {open && (
        <div id="canned-list" class="canned-list">
          <label for="canned-filter">Filter canned replies</label>
          <input id="canned-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          <ul>
            {shown.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  onClick={() => {
                    onPick(item.body);
                    setOpen(false);
                  }}
                >
                  <strong>{item.title}</strong> <span class="shortcut">/{item.shortcut}</span>
                  <span class="preview">{item.body}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
