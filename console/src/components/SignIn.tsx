// Email and password. Wrong credentials and the rate limit each get a plain message.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { apiErrorOf } from '../api/errors';
import { signedIn } from '../state/session';

export function SignIn({ notice }: { notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  useEffect(() => emailInput.current?.focus(), []);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data, error: failure, response } = await api.POST('/api/session', { body: { email, password } });
      if (data) {
        signedIn(data);
        return;
      }
      if (response.status === 401) setError('The email or password is wrong.');
      else if (response.status === 429) {
        const seconds = Number(response.headers.get('Retry-After'));
        setError(`Too many sign-in attempts. Try again${Number.isFinite(seconds) && seconds > 0 ? ` in ${Math.ceil(seconds / 60) > 1 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`}` : ' later'}.`);
      } else setError(apiErrorOf(failure, 'Signing in failed; try again.').message);
    } catch {
      setError('The server cannot be reached. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to the SMS console</h1>
        {notice && !error && <p class="notice" role="status">{notice}</p>}
        {error && (
          <p class="error" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
        <label for="email">Email</label>
        <input
          id="email"
          ref={emailInput}
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
        <label for="password">Password</label>
        <input
          id="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
