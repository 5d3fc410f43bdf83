/** Opening a kiosk link: its token becomes this browser's (shared, lasting) session, and leaves the address bar. */
import { useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { saveSession, type Session } from '../../api/session';
import { useI18n } from '../../i18n/i18n';
import { sessionOfToken } from './kiosk-api';
import { withoutKey } from './kiosk-mode';

export function KioskPairing({
  token,
  onDone,
}: {
  token: string;
  onDone: (session: Session | null) => void;
}) {
  const { t } = useI18n();
  const router = useRouter();
  useEffect(() => {
    let live = true;
    // Out of the URL first: the token must not linger in the history or on the screen.
    router.history.replace(withoutKey(window.location.hash).replace(/^#/, '') || '/fleet');
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
    // Once per link (onDone and the router are the shell's, stable for the page's life).
  }, [token]);
  return (
    <main id="content" className="page" aria-busy="true">
      <p role="status">{t('kiosk.pairing')}</p>
    </main>
  );
}
