import { compress } from 'snappyjs';
import { encodePromWrite, promBody, staleNaN } from '../../test/support/prom-write-body';
import { seriesOf, type DecodedBatch } from './batch-decode';
import { decodePromWrite, isStaleMarker, type PromDecodeLimits } from './prom-write-decode';

const NOW = Date.UTC(2026, 10, 29, 12);
const limits: PromDecodeLimits = {
  now: NOW,
  maxAgeMs: 30 * 86_400_000,
  maxSamples: 20,
  maxBodyBytes: 100_000,
};

function batchOf(out: ReturnType<typeof decodePromWrite>): DecodedBatch {
  if (!out.decoded || !('batch' in out.decoded)) throw new Error(`no batch: ${JSON.stringify(out.decoded)}`);
  return out.decoded.batch;
}

function refusalOf(out: ReturnType<typeof decodePromWrite>): { status: number; message: string } {
  if (!out.decoded || !('refusal' in out.decoded)) throw new Error('not refused');
  return out.decoded.refusal;
}

describe('decodePromWrite', () => {
  it('maps __name__ to a catalog metric or x_…, labels to labels; job/instance dropped from catalog metrics only', () => {
    const out = decodePromWrite(
      promBody([
        [
          { __name__: 'inlet_temp_c', job: 'bms', instance: 'gw1:9100', zone: 'A1', rack: '' },
          [[24.5, NOW - 1000]],
        ],
        [{ __name__: 'up', job: 'dcfleet', instance: '127.0.0.1:3000' }, [[1, NOW - 1000]]],
        [
          { __name__: 'x_custom_total' },
          [
            [7, NOW - 2000],
            [8, NOW - 1000],
          ],
        ],
        [{ __name__: 'job:HTTP_requests:rate5m', job: 'api' }, [[0.5, NOW - 1000]]],
      ]),
      limits,
    );
    const b = batchOf(out);
    expect(out.problems).toEqual([]);
    expect(b.seriesKeys).toEqual([
      'inlet_temp_c{"zone":"A1"}',
      'x_up{"instance":"127.0.0.1:3000","job":"dcfleet"}',
      'x_custom_total',
      'x_job_http_requests_rate5m{"job":"api"}',
    ]);
    expect(seriesOf(b, 2).kind).toBe('counter');
    expect([...b.values]).toEqual([24.5, 1, 7, 8, 0.5]);
    expect([...b.ts]).toEqual([NOW - 1000, NOW - 1000, NOW - 2000, NOW - 1000, NOW - 1000]);
    expect(b.accepted).toBe(5);
    expect(b.rejected).toEqual([]);
  });

  it('skips and counts staleness markers and other NaNs without refusing anything', () => {
    expect(isStaleMarker(staleNaN())).toBe(true);
    expect(isStaleMarker(NaN)).toBe(false);
    expect(isStaleMarker(0)).toBe(false);
    const out = decodePromWrite(
      promBody([
        [
          { __name__: 'it_power_kw' },
          [
            [800, NOW - 2000],
            ['stale', NOW - 1000],
          ],
        ],
        [{ __name__: 'x_ratio' }, [[NaN, NOW - 1000]]],
      ]),
      limits,
    );
    expect(out.skipped).toEqual({ stale: 1, nan: 1 });
    expect(out.problems).toEqual([]);
    expect([...batchOf(out).values]).toEqual([800]);

    // Only markers (a target went away): nothing to store and nothing wrong.
    const onlyStale = decodePromWrite(promBody([[{ __name__: 'up', job: 'x' }, [['stale', NOW]]]]), limits);
    expect(onlyStale).toEqual({ decoded: null, problems: [], skipped: { stale: 1, nan: 0 } });
  });

  it('takes a metadata-only request (send_metadata) as nothing to store', () => {
    const out = decodePromWrite(
      promBody([], [{ type: 1, metricFamilyName: 'up', help: 'Target up' }]),
      limits,
    );
    expect(out.decoded).toBeNull();
  });

  it('partial: keeps the valid samples and names every refused one by series and time, in request order', () => {
    const out = decodePromWrite(
      promBody([
        [
          { __name__: 'ups_load_pct' },
          [
            [40, NOW - 3000],
            [400, NOW - 2000],
          ],
        ],
        [{ job: 'nameless' }, [[1, NOW - 1000]]],
        [{ __name__: 'x_temp', Zone: 'A' }, [[1, NOW - 1000]]],
        [{ __name__: 'x_hist' }, [[Infinity, NOW - 1000]], [Uint8Array.of(8, 1)]],
        [
          { __name__: 'x_ok' },
          [
            [3, NOW + 3_600_000],
            [4, NOW - 1000],
          ],
        ],
      ]),
      limits,
    );
    const b = batchOf(out);
    expect(b.seriesKeys).toEqual(['ups_load_pct', 'x_ok']);
    expect([...b.values]).toEqual([40, 4]);
    expect(b.accepted).toBe(2);
    expect(b.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out.problems).toHaveLength(6);
    expect(out.problems[0]).toBe(
      `ups_load_pct @ ${new Date(NOW - 2000).toISOString()}: value 400 of ups_load_pct outside the plausible range 0..150 %`,
    );
    expect(out.problems[1]).toMatch(/^\{job="nameless"\} @ .*: series has no __name__ label$/);
    expect(out.problems[2]).toMatch(/^x_temp\{Zone="A"\} @ .*label key "Zone" must match/);
    expect(out.problems[3]).toMatch(/^x_hist @ .*: value of x_hist must be a finite number$/);
    expect(out.problems[4]).toMatch(/^x_hist: native histograms are not supported/);
    expect(out.problems[5]).toMatch(/^x_ok @ .*: timestamp more than 5 minutes in the future$/);
  });

  it('refuses (400) a request with no valid sample, naming the series', () => {
    const r = refusalOf(decodePromWrite(promBody([[{ __name__: 'it_power_kw' }, [[-5, NOW]]]]), limits));
    expect(r.status).toBe(400);
    expect(r.message).toMatch(/^no valid sample in the write request: it_power_kw @ .*plausible range/);
    const dup = refusalOf(
      decodePromWrite(
        encodePromWrite({
          timeseries: [
            {
              labels: [
                { name: '__name__', value: 'x_a' },
                { name: 'zone', value: 'A' },
                { name: 'zone', value: 'B' },
              ],
              samples: [{ value: 1, timestamp: NOW }],
            },
          ],
        }),
        limits,
      ),
    );
    expect(dup.message).toMatch(/label "zone" appears twice/);
  });

  it.each([
    ['an empty body', new Uint8Array(), /^empty body/],
    ['a body that is not snappy', Buffer.from('cpu value=1'), /^body is not snappy-compressed/],
    [
      'snappy around something that is not a WriteRequest',
      compress(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2)),
      /^body is not a protobuf prometheus.WriteRequest/,
    ],
    ['a request without time series', promBody([]), /^no time series/],
    ['time series without samples', promBody([[{ __name__: 'up' }, []]]), /^no samples/],
  ])('refuses %s with 400', (_what, bytes, message) => {
    const r = refusalOf(decodePromWrite(bytes, limits));
    expect(r.status).toBe(400);
    expect(r.message).toMatch(message);
  });

  it('refuses over INGEST_MAX_SAMPLES and a body inflating past INGEST_MAX_BODY_BYTES with 413', () => {
    const many = promBody([[{ __name__: 'x_a' }, Array.from({ length: 21 }, (_, i) => [i, NOW - i * 1000])]]);
    expect(refusalOf(decodePromWrite(many, limits))).toMatchObject({
      status: 413,
      message: expect.stringMatching(/INGEST_MAX_SAMPLES \(20\)/),
    });
    const bomb = compress(new Uint8Array(200_000));
    expect(bomb.length).toBeLessThan(100_000);
    expect(refusalOf(decodePromWrite(bomb, limits))).toMatchObject({
      status: 413,
      message: expect.stringMatching(/INGEST_MAX_BODY_BYTES/),
    });
  });
});
