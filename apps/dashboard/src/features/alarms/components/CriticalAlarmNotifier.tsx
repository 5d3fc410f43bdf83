/**
 * New critical alarms cannot be missed on any page: a dismissible toast, an optional beep (off by default,
 * remembered in localStorage), the unread count in the tab title and, when the user allowed it, a browser
 * notification. Fed by the active alarms list, which the live `alarm` events keep current.
 */
import type { AlarmInfo } from '@dcfleet/contracts';
import { useQuery } from '@tanstack/react-query';
import { Link } from '../../../routing/router';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { alarmsQuery } from '../api/alarms-api';
import { newCritical, SOUND_KEY, titleWithCount, unreadIds } from '../api/alarm-notify';
import { useAlarmText } from './alarm-text';
import '../alarms.css';

function soundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === '1';
  } catch {
    return false;
  }
}

/** A short two-tone beep generated with WebAudio (no audio file to ship). */
function beep(): void {
  const Ctx = window.AudioContext;
  if (!Ctx) return;
  try {
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.setValueAtTime(880, ctx.currentTime);
    osc.frequency.setValueAtTime(660, ctx.currentTime + 0.15);
    gain.gain.setValueAtTime(0.08, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.35);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.35);
    osc.onended = () => void ctx.close();
  } catch {
    // Autoplay policy or no audio device: the toast and title still tell.
  }
}

/** The sound toggle; switching it on from this click is also the moment to ask for notifications. */
export function AlarmSoundToggle() {
  const { t } = useI18n();
  const [on, setOn] = useState(soundOn);
  return (
    <button
      type="button"
      className="btn-secondary alarm-sound"
      aria-pressed={on}
      data-testid="alarm-sound"
      title={t('alarms.sound.hint')}
      onClick={() => {
        const next = !on;
        setOn(next);
        try {
          localStorage.setItem(SOUND_KEY, next ? '1' : '0');
        } catch {
          // Private mode: the toggle lasts for this page only.
        }
        if (next) {
          beep();
          if ('Notification' in window && Notification.permission === 'default')
            void Notification.requestPermission();
        }
      }}
    >
      {on ? t('alarms.sound.on') : t('alarms.sound.off')}
    </button>
  );
}

export function CriticalAlarmNotifier({ enabled }: { enabled: boolean }) {
  const { t } = useI18n();
  const text = useAlarmText();
  const q = useQuery({ ...alarmsQuery('active'), enabled });
  const seen = useRef<Set<number> | null>(null);
  const [toasts, setToasts] = useState<AlarmInfo[]>([]);
  const [unread, setUnread] = useState<Set<number>>(new Set());
  const list = q.data;

  useEffect(() => {
    if (!list) return;
    // The first answer is the state at sign-in, not news.
    const fresh = seen.current ? newCritical(seen.current, list) : [];
    seen.current = new Set([...(seen.current ?? []), ...list.map((a) => a.id)]);
    setUnread((prev) => unreadIds(new Set([...prev, ...fresh.map((a) => a.id)]), list));
    setToasts((prev) => {
      const open = new Set(list.filter((a) => !a.acknowledgedAt).map((a) => a.id));
      return [...fresh, ...prev.filter((a) => open.has(a.id) && !fresh.some((f) => f.id === a.id))];
    });
    if (!fresh.length) return;
    if (soundOn()) beep();
    if ('Notification' in window && Notification.permission === 'granted') {
      for (const a of fresh.slice(0, 3)) {
        try {
          new Notification(t('alarms.toast.title', { site: a.datacenter }), {
            body: text.message(a),
            tag: `alarm-${a.id}`,
          });
        } catch {
          // Some browsers only allow notifications from a service worker.
        }
      }
    }
  }, [list, t, text]);

  // Pages set their own titles as they open: keep the count in front of whatever title is current.
  useEffect(() => {
    const apply = () => {
      const next = titleWithCount(document.title, unread.size);
      if (next !== document.title) document.title = next;
    };
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      document.title = titleWithCount(document.title, 0);
    };
  }, [unread]);

  if (!toasts.length) return null;
  return (
    <div className="toasts" role="alert" aria-live="assertive" data-testid="alarm-toasts">
      {toasts.slice(0, 3).map((a) => (
        <div className="toast toast-critical" key={a.id} data-alarm={a.id} data-testid="alarm-toast">
          <div>
            <strong>{t('alarms.toast.title', { site: a.datacenter })}</strong>
            <span className="block">{text.message(a)}</span>
            <Link
              to="/alarms"
              search={{ site: a.datacenter }}
              onClick={() => setToasts((p) => p.filter((x) => x.id !== a.id))}
            >
              {t('alarms.toast.open')}
            </Link>
          </div>
          <button
            type="button"
            className="btn-small btn-secondary"
            aria-label={t('alarms.toast.dismiss')}
            onClick={() => {
              setToasts((p) => p.filter((x) => x.id !== a.id));
              setUnread((p) => new Set([...p].filter((id) => id !== a.id)));
            }}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
