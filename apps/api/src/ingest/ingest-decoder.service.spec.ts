import type { AppConfig } from '../platform/config/app-config';
import { DECODE_OFFLOAD_BYTES, IngestDecoder } from './ingest-decoder.service';

const NOW = Date.UTC(2026, 10, 29, 12);

function config(workers: number): AppConfig {
  return {
    decodeWorkers: workers,
    env: { INGEST_MAX_AGE_DAYS: 30, INGEST_MAX_SAMPLES: 10_000 },
  } as unknown as AppConfig;
}

const body = Buffer.from(
  JSON.stringify({
    datacenter: 'GZ-A-01',
    samples: Array.from({ length: 1000 }, (_, i) => ({
      metric: 'inlet_temp_c',
      labels: { zone: `Z${i}` },
      ts: NOW - 60_000,
      value: 20 + (i % 7),
    })),
  }),
);

describe('IngestDecoder', () => {
  it('decodes large bodies on its thread, small ones here, with the same result', async () => {
    expect(body.length).toBeGreaterThan(DECODE_OFFLOAD_BYTES);
    const decoder = new IngestDecoder(config(1));
    try {
      const threaded = await decoder.decodeJson(body, NOW);
      expect(decoder.running).toBe(1);
      const local = await new IngestDecoder(config(0)).decodeJson(body, NOW);
      expect(threaded).toEqual(local);
      expect(threaded).toMatchObject({ datacenter: 'GZ-A-01', decoded: { batch: { accepted: 1000 } } });
      expect(body.length).toBeGreaterThan(0); // the caller's buffer is still intact (a copy was transferred)
    } finally {
      await decoder.onModuleDestroy();
    }
  });

  it('decodes large line-protocol bodies on its thread too, problems named by line', async () => {
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `dc,zone=Z${i} inlet_temp_c=${i === 7 ? 500 : 20 + (i % 7)} ${NOW - 60_000}`,
    );
    lines[3] = 'broken';
    const text = Buffer.from(lines.join('\n'));
    expect(text.length).toBeGreaterThan(DECODE_OFFLOAD_BYTES);
    const decoder = new IngestDecoder(config(1));
    try {
      const threaded = await decoder.decodeLine(text, 'ms', NOW);
      expect(decoder.running).toBe(1);
      expect(threaded).toEqual(await new IngestDecoder(config(0)).decodeLine(text, 'ms', NOW));
      expect(threaded).toMatchObject({
        problems: [expect.stringMatching(/^line 4: /), expect.stringMatching(/^line 8: value 500/)],
        decoded: { batch: { accepted: 998 } },
      });
    } finally {
      await decoder.onModuleDestroy();
    }
  });

  it('decodes here when its thread dies mid-request, and for a while after', async () => {
    const decoder = new IngestDecoder(config(1));
    const expected = await new IngestDecoder(config(0)).decodeJson(body, NOW);
    const pending = decoder.decodeJson(body, NOW);
    await decoder.onModuleDestroy(); // the thread is gone before it answers
    expect(await pending).toEqual(expected);
    expect(await decoder.decodeJson(body, NOW)).toEqual(expected);
    expect(decoder.running).toBe(0); // paused: no new thread right away
  });
});
