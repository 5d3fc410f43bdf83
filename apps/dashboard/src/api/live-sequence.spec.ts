import { describe, expect, it } from 'vitest';
import { RoomSequence } from './live-sequence';

const ev = (seq: number) => ({ seq, v: `e${seq}` });

describe('RoomSequence', () => {
  it('starts with a snapshot, then applies consecutive events and drops duplicates', () => {
    const room = new RoomSequence<ReturnType<typeof ev>>();
    expect(room.begin()).toEqual({});
    expect(room.acknowledge({ seq: 4, epoch: 'E1', resync: false })).toEqual({
      kind: 'initial',
      apply: [],
      resume: false,
    });
    expect(room.offer(ev(4)).apply).toEqual([]); // covered by the snapshot
    expect(room.offer(ev(5)).apply).toEqual([ev(5)]);
    expect(room.offer(ev(5)).apply).toEqual([]);
    expect(room.lastSeq).toBe(5);
  });

  it('buffers events that arrive before the ack and applies only the ones after its seq', () => {
    const room = new RoomSequence<ReturnType<typeof ev>>();
    room.begin();
    room.offer(ev(3));
    room.offer(ev(5));
    room.offer(ev(4));
    const result = room.acknowledge({ seq: 3, resync: false });
    expect(result.apply).toEqual([ev(4), ev(5)]);
    expect(result.resume).toBe(false);
    expect(room.lastSeq).toBe(5);
  });

  it('resumes after a reconnect with lastSeq and epoch, applying the missed events once', () => {
    const room = new RoomSequence<ReturnType<typeof ev>>();
    room.begin();
    room.acknowledge({ seq: 10, epoch: 'E1', resync: false });
    room.offer(ev(11));
    room.abort(); // connection dropped
    expect(room.begin()).toEqual({ lastSeq: 11, epoch: 'E1' });
    room.offer(ev(15)); // live event racing the ack
    const result = room.acknowledge({
      seq: 14,
      epoch: 'E1',
      resync: false,
      missed: [ev(13), ev(12), ev(14), ev(11)],
    });
    expect(result.kind).toBe('resume');
    expect(result.apply.map((e) => e.seq)).toEqual([12, 13, 14, 15]);
    expect(room.lastSeq).toBe(15);
  });

  it('reports resync when the server no longer has the missed events', () => {
    const room = new RoomSequence<ReturnType<typeof ev>>();
    room.begin();
    room.acknowledge({ seq: 2, epoch: 'E1', resync: false });
    room.abort();
    room.begin();
    const result = room.acknowledge({ seq: 900, epoch: 'E2', resync: true });
    expect(result.kind).toBe('resync');
    expect(room.lastSeq).toBe(900);
    expect(room.epoch).toBe('E2');
  });

  it('detects a gap in live events and asks to resume', () => {
    const room = new RoomSequence<ReturnType<typeof ev>>();
    room.begin();
    room.acknowledge({ seq: 1, resync: false });
    expect(room.offer(ev(3))).toEqual({ apply: [], resume: true });
    expect(room.begin()).toEqual({ lastSeq: 1 });
    const result = room.acknowledge({ seq: 3, resync: false, missed: [ev(2), ev(3)] });
    expect(result.apply.map((e) => e.seq)).toEqual([2, 3]);
    expect(result.resume).toBe(false);
  });

  it('reset forgets the position', () => {
    const room = new RoomSequence<ReturnType<typeof ev>>();
    room.begin();
    room.acknowledge({ seq: 7, epoch: 'X', resync: false });
    room.reset();
    expect(room.begin()).toEqual({});
  });
});
