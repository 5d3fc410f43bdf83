import type { AppConfig } from '../platform/config/app-config';
import { SeriesRegistry } from './series-registry';
import { SnapshotService } from './snapshot.service';
import type { TelemetryStore } from './telemetry-store';

describe('SnapshotService status with Sparkplug presence', () => {
  const config = { env: { STALE_AFTER_S: 300, OFFLINE_AFTER_S: 3600 } } as AppConfig;
  const now = 1_796_000_000_000;
  const make = () => new SnapshotService({} as TelemetryStore, new SeriesRegistry(), config);

  it('a death is offline at once and until the next batch; a birth counts as a fresh sample that ages', () => {
    const s = make();
    s.accept(1, now, [], [], []);
    expect(s.snapshot(1, 'A', now).status).toBe('offline'); // no sample yet
    s.accept(1, now, [7], [now - 1000], [1]);
    expect(s.snapshot(1, 'A', now).status).toBe('online');
    s.setPresence(1, false, now);
    expect(s.snapshot(1, 'A', now).status).toBe('offline');
    s.accept(1, now + 1000, [7], [now + 500], [2]);
    expect(s.snapshot(1, 'A', now + 1000).status).toBe('online');

    s.setPresence(2, true, now);
    expect(s.snapshot(2, 'B', now).status).toBe('online');
    expect(s.snapshot(2, 'B', now + 301_000).status).toBe('stale');
    expect(s.snapshot(2, 'B', now + 3_601_000).status).toBe('offline');
  });
});
