import { API_PREFIX, type DataCenterWithSnapshot } from '@dcfleet/contracts';
import { useCallback, useEffect, useState } from 'react';
import { request } from '../../api/client';

export interface FleetQuery {
  sites: DataCenterWithSnapshot[] | null;
  error: string | null;
  loading: boolean;
  /** When the last successful response arrived (epoch ms). */
  updatedAt: number | null;
  refresh: () => void;
}

/** Polls GET /api/v1/datacenters (live socket updates replace the polling in a later change). */
export function useFleetQuery(intervalMs = 30_000): FleetQuery {
  const [sites, setSites] = useState<DataCenterWithSnapshot[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const [generation, setGeneration] = useState(0);

  const refresh = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    request<DataCenterWithSnapshot[]>(`${API_PREFIX}/datacenters`, { signal: controller.signal })
      .then((list) => {
        setSites([...list].sort((a, b) => a.code.localeCompare(b.code)));
        setError(null);
        setUpdatedAt(Date.now());
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err instanceof Error ? err.message : String(err));
        setLoading(false);
      });
    return () => controller.abort();
  }, [generation]);

  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, intervalMs);
    return () => clearInterval(id);
  }, [intervalMs, refresh]);

  return { sites, error, loading, updatedAt, refresh };
}
