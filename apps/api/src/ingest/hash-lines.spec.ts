import { createHash } from 'node:crypto';
import { canonicalSampleLine } from '@dcfleet/contracts';
import { HashLines } from './hash-lines';

describe('HashLines', () => {
  it('hashes the canonical lines of samples, across slices and with a key longer than a slice', () => {
    const keys = ['x_a{"k":"' + 'é'.repeat(40_000) + '"}', 'x_b', 'x_c{"zone":"数据"}'];
    const samples: [number, number, number][] = [];
    for (let i = 0; i < 3_000; i++)
      samples.push([i % 3, 1_700_000_000_000 + Math.floor(i / 7) * 10_000, i / 3]);
    const lines = new HashLines(keys);
    for (const [k, t, v] of samples) lines.add(k, t, v);
    const text = samples
      .map(([k, t, v]) =>
        canonicalSampleLine(keys[k]!.replace(/\{.*$/, ''), keys[k]!.replace(/^[^{]*/, ''), t, v),
      )
      .join('');
    expect(lines.digest()).toBe(createHash('sha256').update(text).digest('hex'));
  });
});
