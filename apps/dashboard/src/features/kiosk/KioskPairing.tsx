/** Opening a kiosk link: its token becomes this browser's (shared, lasting) session, and leaves the address bar. */
import { useNavigateHref } from '../../routing/router';
import { useCallback, useEffect, useState } from 'react';
import { saveSession, type Session } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { sessionOfToken } from './kiosk-api';
import { pairingKeyOf, withoutKey } from './kiosk-mode';

export function KioskPairing({
  token,
  onDone,
}: {
  token: string;
  onDone: (session: Session | null) => void;
}) {
  const { t } = useI18n();
  const navigate = useNavigateHref();
  useEffect(() => {
    let live = true;
    // Out of the URL first: the token must not linger in the history or on the screen.
    navigate(withoutKey(window.location.hash).replace(/^#/, '') || '/fleet', { replace: true });
    sessionOfToken(token).then(
      (session) => {
        if (!live) return;
        saveSession(session);
        onDone(session);
      },
      () => live && onDone(null),
    );
    return () => {
      live = false;
    };
    // Once per link (onDone and navigate are the shell's, stable for the page's life).
  }, [token]);
  return (
    <main id="content" className="page" aria-busy="true">
      <p role="status">{t('kiosk.pairing')}</p>
    </main>
  );
}

/**
 * The pairing key of the current address, at load and whenever the hash changes (a kiosk link pasted into an open
 * tab is a same-document navigation), and a way to clear it once used.
 */
export function usePairingKey(): [string | null, () => void] {
  const [key, setKey] = useState(() => pairingKeyOf(window.location.hash));
  useEffect(() => {
    const onHash = () => {
      const next = pairingKeyOf(window.location.hash);
      if (next) setKey(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return [key, useCallback(() => setKey(null), [])];
}
