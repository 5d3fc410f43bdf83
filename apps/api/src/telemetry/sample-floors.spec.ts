import { SampleFloors } from './sample-floors';

describe('SampleFloors', () => {
  it('knows nothing at first, then what the database said and what was committed since', () => {
    const f = new SampleFloors();
    expect(f.unknown([3, 3, 7, -1])).toEqual([3, 7]); // negative refs are series still to be created
    expect(f.appendsOnly([3], [100], new Set())).toBe(false);
    f.learn(3, 100);
    f.learn(7, null); // no samples at all
    expect(f.unknown([3, 7])).toEqual([]);
    expect(f.appendsOnly([3, 7], [101, 1], new Set())).toBe(true);
    expect(f.appendsOnly([3, 7], [100, 1], new Set())).toBe(false); // ts 100 of series 3 may be stored
    f.record([3, 7], [150, 50]);
    expect(f.appendsOnly([3], [150], new Set())).toBe(false);
    expect(f.appendsOnly([3, 7], [151, 51], new Set())).toBe(true);
    f.learn(3, 120); // an older answer never lowers what is known
    expect(f.appendsOnly([3], [140], new Set())).toBe(false);
  });

  it('treats series created in this batch as empty, grows past its first block and forgets on request', () => {
    const f = new SampleFloors();
    expect(f.appendsOnly([5000], [1], new Set([5000]))).toBe(true);
    f.record([5000], [10]);
    expect(f.appendsOnly([5000], [11], new Set())).toBe(true);
    f.forget([5000, -2]);
    expect(f.unknown([5000])).toEqual([5000]);
    expect(f.appendsOnly([5000], [11], new Set())).toBe(false);
  });
});
