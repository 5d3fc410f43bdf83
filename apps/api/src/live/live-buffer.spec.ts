import { LiveBuffer } from './live-buffer';

const ev = (seq: number) => ({ seq });

describe('LiveBuffer', () => {
  it('returns what came after lastSeq, [] when nothing was missed, null when it was already dropped', () => {
    const b = new LiveBuffer(3);
    expect(b.since(0)).toEqual([]);
    expect(b.since(1)).toBeNull(); // ahead of the buffer: another sequence space
    for (let s = 1; s <= 5; s++) b.push(ev(s));
    expect([b.firstSeq, b.lastSeq, b.size]).toEqual([3, 5, 3]);
    expect(b.since(5)).toEqual([]);
    expect(b.since(4)).toEqual([ev(5)]);
    expect(b.since(2)).toEqual([ev(3), ev(4), ev(5)]);
    expect(b.since(1)).toBeNull(); // seq 2 is gone
    expect(b.since(6)).toBeNull();
  });

  it('keeps the byte budget but always the newest event, and refuses a seq that does not follow', () => {
    const b = new LiveBuffer(100, 250);
    b.push(ev(1), 100);
    b.push(ev(2), 100);
    expect([b.size, b.bytes]).toEqual([2, 200]);
    b.push(ev(3), 100);
    expect([b.firstSeq, b.size, b.bytes]).toEqual([2, 2, 200]);
    b.push(ev(4), 1000);
    expect([b.firstSeq, b.lastSeq, b.size, b.bytes]).toEqual([4, 4, 1, 1000]);
    expect(b.since(3)).toEqual([ev(4)]);
    expect(() => b.push(ev(6))).toThrow(/does not follow/);
  });

  it('skip counts an event without keeping it: those behind it must resync, those at it are up to date', () => {
    const b = new LiveBuffer(10);
    b.push(ev(1), 10);
    b.push(ev(2), 10);
    b.skip();
    expect([b.lastSeq, b.size, b.bytes]).toEqual([3, 0, 0]);
    expect(b.since(3)).toEqual([]);
    expect(b.since(2)).toBeNull(); // seq 3 was never kept
    b.skip();
    b.push(ev(5));
    expect([b.firstSeq, b.lastSeq]).toEqual([5, 5]);
    expect(b.since(4)).toEqual([ev(5)]);
    expect(b.since(3)).toBeNull();
    expect(() => b.push(ev(7))).toThrow(/does not follow/);
  });
});
