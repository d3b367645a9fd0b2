import { useEffect } from 'preact/hooks';
import { loadSession, useSession } from '../state/session';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

export function App() {
  const session = useSession();
  useEffect(() => {
    void loadSession();
  }, []);
  if (session.kind === 'loading') return <p class="loading" role="status">Loading…</p>;
  if (session.kind === 'signed-out') return <SignIn notice={session.notice} />;
  return <Shell session={session.session} />;
}
