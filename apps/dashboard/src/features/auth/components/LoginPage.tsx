import type { LoginResponse } from '@dcfleet/contracts';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import { LanguageSwitch } from '../../../components/LanguageSwitch';
import { useI18n, type MessageId } from '../../../i18n/i18n';
import { login } from '../api/login';

interface Props {
  onLoggedIn: (session: LoginResponse) => void;
  /** Shown above the form, e.g. after the session expired. */
  notice?: string | null;
}

export function LoginPage({ onLoggedIn, notice }: Props) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // A message key (translated at render, so switching the language translates it) or a server message.
  const [error, setError] = useState<{ key: MessageId } | { text: string } | null>(null);
  const [pending, setPending] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  useEffect(() => {
    document.title = `${t('login.title')}`;
  }, [t]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    if (!username.trim() || !password) {
      setError({ key: 'login.missing' });
      (username.trim() ? passwordRef : usernameRef).current?.focus();
      return;
    }
    setPending(true);
    setError(null);
    try {
      const session = await login({ username: username.trim(), password });
      onLoggedIn(session);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? { key: 'login.wrong' }
          : err instanceof Error
            ? { text: err.message }
            : { key: 'login.failed' },
      );
      setPassword('');
      setPending(false);
      passwordRef.current?.focus();
    }
  }

  const errorText = error ? ('key' in error ? t(error.key) : error.text) : null;

  return (
    <main className="login" aria-labelledby="login-title">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <form
        className="card login-form"
        onSubmit={submit}
        noValidate
        aria-describedby={error ? errorId : undefined}
      >
        <div className="login-brand" aria-hidden="true">
          <svg width="28" height="28" viewBox="0 0 20 20">
            <rect x="2" y="3" width="16" height="4" rx="1" fill="currentColor" />
            <rect x="2" y="8.5" width="16" height="4" rx="1" fill="currentColor" opacity="0.75" />
            <rect x="2" y="14" width="16" height="4" rx="1" fill="currentColor" opacity="0.5" />
          </svg>
        </div>
        <h1 id="login-title" tabIndex={-1}>
          {t('login.title')}
        </h1>
        {notice && !error ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        {errorText ? (
          <p id={errorId} className="error" role="alert">
            {errorText}
          </p>
        ) : null}
        <label htmlFor="login-username">{t('login.username')}</label>
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
        <label htmlFor="login-password">{t('login.password')}</label>
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
          {pending ? t('login.pending') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
