// The signed-in agent: read from GET /api/session at load, set by sign-in, cleared by sign-out
// or by any 401 (an expired session, or an agent deactivated meanwhile).
import { useEffect, useState } from 'preact/hooks';
import { api, onSessionLost, setCsrfToken } from '../api/client';
import type { Session } from '../api/types';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; session: Session };

let current: SessionState = { kind: 'loading' };
const listeners = new Set<(state: SessionState) => void>();

function set(state: SessionState): void {
  current = state;
  setCsrfToken(state.kind === 'signed-in' ? state.session.csrfToken : undefined);
  for (const listener of listeners) listener(state);
}

export function signedIn(session: Session): void {
  set({ kind: 'signed-in', session });
}

export async function signOut(): Promise<void> {
  await api.DELETE('/api/session').catch(() => undefined);
  set({ kind: 'signed-out', notice: 'You have signed out.' });
}

onSessionLost(() => {
  if (current.kind === 'signed-in') set({ kind: 'signed-out', notice: 'Your session has ended. Please sign in again.' });
});

export async function loadSession(): Promise<void> {
  try {
    const { data } = await api.GET('/api/session');
    set(data ? { kind: 'signed-in', session: data } : { kind: 'signed-out' });
  } catch {
    set({ kind: 'signed-out', notice: 'The server cannot be reached. Try again in a moment.' });
  }
}

/** Re-reads the session; a 401 signs the page out (through the client's middleware). */
export async function checkSession(): Promise<void> {
  if (current.kind !== 'signed-in') return;
  await api.GET('/api/session').catch(() => undefined);
}

export function useSession(): SessionState {
  const [state, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    setState(current);
    return () => listeners.delete(setState);
  }, []);
  return state;
}
