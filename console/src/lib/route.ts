// The console's two screens live under /sms: the queue (/sms) and a conversation
// (/sms/c/<id>). The History API moves between them; the API serves index.html for any
// /sms/* path, so a reload or a shared link opens the same screen.
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/sms';

export interface Route {
  conversationId: string | null;
}

export function parseRoute(pathname: string): Route {
  const match = /^\/sms\/c\/([0-9a-fA-F-]{36})\/?$/.exec(pathname);
  return { conversationId: match?.[1] ?? null };
}

export function conversationPath(id: string): string {
  return `${BASE}/c/${id}`;
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (location.pathname !== path) history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** For <a href> links: a plain click navigates in-page; a modified click opens as the browser would. */
export function linkHandler(path: string) {
  return (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}
