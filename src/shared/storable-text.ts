// Text PostgreSQL cannot hold: `text` columns refuse U+0000 and `jsonb` refuses the \u0000
// escape and unpaired UTF-16 surrogates (SQLSTATE 22021), so such a string fails every write,
// retry after retry. Pure and import-free so the API and the workflow can both use it.

/** What stands in for a character that cannot be stored. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Index of the first NUL or unpaired surrogate in `text`, or -1. */
function firstUnstorableIndex(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0) return index;
    if (isHighSurrogate(code)) {
      if (isLowSurrogate(text.charCodeAt(index + 1))) index++; // a valid pair (e.g. an emoji)
      else return index;
    } else if (isLowSurrogate(code)) {
      return index;
    }
  }
  return -1;
}

/** True when PostgreSQL can store `text` as text and inside jsonb. */
export function isStorableText(text: string): boolean {
  return firstUnstorableIndex(text) === -1;
}

/**
 * Replaces U+0000 and every unpaired surrogate with U+FFFD; valid surrogate pairs stay.
 * `changed` says whether anything was replaced.
 */
export function normalizeStorableText(text: string): { text: string; changed: boolean } {
  const first = firstUnstorableIndex(text);
  if (first === -1) return { text, changed: false };
  let result = text.slice(0, first);
  for (let index = first; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (isHighSurrogate(code) && isLowSurrogate(text.charCodeAt(index + 1))) {
      result += text[index]! + text[index + 1]!;
      index++;
    } else if (code === 0 || isHighSurrogate(code) || isLowSurrogate(code)) {
      result += REPLACEMENT_CHARACTER;
    } else {
      result += text[index]!;
    }
  }
  return { text: result, changed: true };
}

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

function childPath(parent: string, key: string): string {
  // A key that cannot be stored is shown normalised, so the answer naming it is storable too.
  if (PLAIN_KEY.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(normalizeStorableText(key).text)}]`;
}

/**
 * Walks a JSON-like value (objects, their keys, arrays, strings) depth-first in document order
 * and returns the path of the first string, value or key, that cannot be stored, e.g.
 * `keywords[2]` or `body` (prefixed with `root` when given: `body.keywords[2]`); undefined when
 * everything can be stored. Iterative, so no nesting depth can overflow the stack.
 */
export function findUnstorableText(value: unknown, root = ''): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value, path: root }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) pending.push({ value: current[index], path: `${path}[${index}]` });
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, child] = entries[index]!;
        const keyPath = childPath(path, key);
        pending.push({ value: child, path: keyPath });
        pending.push({ value: key, path: keyPath }); // the key, checked before its value
      }
    }
  }
  return undefined;
}
