import { Client } from 'pg';
import { PgBinaryArray, pgByteaArray } from '../src/telemetry/pg-binary-array';
import { dialects } from './support/harness';

// The binary array parameters as the server reads them: what raw compaction and the rollup flush send to UNNEST.
const onPostgres = dialects().includes('postgres') ? describe : describe.skip;

onPostgres('binary array parameters (PostgreSQL)', () => {
  let c: Client;
  beforeAll(async () => {
    c = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
  });
  afterAll(() => c.end());

  it('bytea[]: every payload back byte for byte, in order, empty ones included', async () => {
    const payloads = [
      Buffer.from([0, 1, 2, 255]),
      Buffer.alloc(0),
      Buffer.from('\\x"{},', 'latin1'), // what the text array format would have to escape
      Buffer.alloc(70_000, 7),
    ];
    const { rows } = await c.query<{ i: string; p: Buffer }>(
      'SELECT i, p FROM unnest($1::bytea[]) WITH ORDINALITY AS u(p, i) ORDER BY i',
      [pgByteaArray(payloads)],
    );
    expect(rows.map((r) => r.p)).toEqual(payloads);
  });

  it('an empty bytea[] is an empty array', async () => {
    const { rows } = await c.query<{ n: number | null }>('SELECT cardinality($1::bytea[]) AS n', [
      pgByteaArray([]),
    ]);
    expect(rows[0]!.n).toBe(0);
  });

  it('bytea[] beside numeric columns in one UNNEST, as raw compaction writes chunks', async () => {
    const w = new PgBinaryArray('int8', 2);
    const s = new PgBinaryArray('int4', 2);
    for (const [window, series] of [
      [1_796_000_000_000, 7],
      [1_796_003_600_000, 2_000_000],
    ]) {
      w.push(window!);
      s.push(series!);
    }
    const { rows } = await c.query<{ w: number; s: number; p: Buffer }>(
      'SELECT * FROM unnest($1::bigint[], $2::int[], $3::bytea[]) AS u(w, s, p)',
      [w.done(), s.done(), pgByteaArray([Buffer.from('a'), Buffer.from('bc')])],
    );
    expect(rows).toEqual([
      { w: 1_796_000_000_000, s: 7, p: Buffer.from('a') },
      { w: 1_796_003_600_000, s: 2_000_000, p: Buffer.from('bc') },
    ]);
  });
});
