// Hands the one live-event stream to whichever parts of the page show something it changes.
import type { LiveEvent } from './live-events';

type Listener = (event: LiveEvent | 'refresh') => void;
const listeners = new Set<Listener>();

export function publish(event: LiveEvent | 'refresh'): void {
  for (const listener of listeners) listener(event);
}

/** 'refresh': the page came back online or the stream was reset; refetch everything shown. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
