import type { LoginResponse } from '@dcfleet/contracts';
import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { login } from './login';

interface Props {
  onLoggedIn: (session: LoginResponse) => void;
  /** Shown above the form, e.g. after the session expired. */
  notice?: string | null;
}

export function LoginPage({ onLoggedIn, notice }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      (username.trim() ? passwordRef : usernameRef).current?.focus();
      return;
    }
    setPending(true);
    setError(null);
    try {
      const session = await login({ username: username.trim(), password });
      onLoggedIn(session);
    } catch (err) {
      const message =
        err instanceof ApiError && err.status === 401
          ? 'Wrong username or password.'
          : err instanceof Error
            ? err.message
            : 'Sign-in failed.';
      setError(message);
      setPassword('');
      setPending(false);
      passwordRef.current?.focus();
    }
  }

  return (
    <main className="login" aria-labelledby="login-title">
      <form
        className="card login-form"
        onSubmit={submit}
        noValidate
        aria-describedby={error ? errorId : undefined}
      >
        <h1 id="login-title" tabIndex={-1}>
          Sign in to dcfleet
        </h1>
        {notice && !error ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        {error ? (
          <p id={errorId} className="error" role="alert">
            {error}
          </p>
        ) : null}
        <label htmlFor="login-username">Username</label>
        <input
          id="login-username"
          ref={usernameRef}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-invalid={error !== null && !username.trim()}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          ref={passwordRef}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error !== null && !password}
        />
        <button type="submit" disabled={pending} aria-busy={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
