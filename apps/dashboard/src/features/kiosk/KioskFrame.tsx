/**
 * Kiosk (wall display) mode: in place of the header, a small clock with the live state; the page forced dark with
 * large type (kiosk.css, keyed on `html[data-kiosk]`); and, when the URL names views, a rotation through them.
 */
import type { Role } from '@dcfleet/contracts';
import { useNavigateHref, useRouterLocation } from '../../routing/router';
import { useEffect, useMemo, useState } from 'react';
import { useLiveStatus } from '../../api/live';
import { useI18n } from '../../i18n/i18n';
import { allowedViews, kioskHref, nextView, pathOf, type KioskConfig } from './kiosk-mode';
import './kiosk.css';

function useClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 10_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function KioskFrame({
  config,
  role,
  name,
}: {
  config: KioskConfig;
  role: Role;
  /** The kiosk session's name; null when a signed-in user merely put the page in wall mode. */
  name: string | null;
}) {
  const { t, intl } = useI18n();
  const navigate = useNavigateHref();
  const { path: pathname } = useRouterLocation();
  const status = useLiveStatus();
  const now = useClock();
  const views = useMemo(() => allowedViews(config.views, role), [config.views, role]);

  // Dark and large on the whole document, charts included (they read the CSS variables).
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.kiosk = '';
    return () => {
      delete root.dataset.kiosk;
    };
  }, []);

  // Rotation: the next view every `every` seconds; `replace`, so a wall's history does not grow all day.
  useEffect(() => {
    if (views.length < 2 && (views.length === 0 || pathOf(views[0]!) === pathname)) return;
    const timer = setTimeout(() => {
      const next = nextView(views, pathname);
      if (next) navigate(kioskHref(next, { ...config, views }), { replace: true });
    }, config.every * 1000);
    return () => clearTimeout(timer);
  }, [views, pathname, config, navigate]);

  return (
    <div className="kiosk-bar" data-testid="kiosk-bar">
      <span className="kiosk-name">{name ?? t('kiosk.label')}</span>
      <span className={`live-indicator live-${status}`} data-testid="live-status" data-status={status}>
        <span className="dot" aria-hidden="true" />
        {t(`live.${status}`)}
      </span>
      <time className="kiosk-clock" dateTime={now.toISOString()}>
        {intl.formatTime(now, { hour: '2-digit', minute: '2-digit' })}
      </time>
      {name === null ? (
        <button
          type="button"
          className="kiosk-exit"
          onClick={() => navigate(pathname, { replace: true })}
          title={t('kiosk.exit')}
        >
          ×<span className="visually-hidden">{t('kiosk.exit')}</span>
        </button>
      ) : null}
    </div>
  );
}
