import { counterIncreases, type CounterBucket } from './counter-increase';
import { addSample, single, type Agg } from './rollup-math';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Rolls readings [ts, value] up into buckets of `size` ms, as the rollups store them. */
function bucketsOf(readings: readonly [number, number][], size: number): CounterBucket[] {
  const out: (Agg & { bucket: number })[] = [];
  for (const [ts, v] of readings) {
    const bucket = Math.floor(ts / size) * size;
    const last = out[out.length - 1];
    if (last && last.bucket === bucket) addSample(last, ts, v);
    else out.push({ bucket, ...single(ts, v) });
  }
  return out;
}

function slotsOf(from: number, to: number, size: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += size) out.push(t);
  return out;
}

const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

describe('counterIncreases', () => {
  it('hourly readings on the hour, hourly buckets: each hour gets the step to the next reading', () => {
    const values = [100, 108, 115, 125, 131];
    const readings = values.map((v, i): [number, number] => [i * HOUR, v]);
    const inc = counterIncreases(slotsOf(0, 5 * HOUR, HOUR), 5 * HOUR, bucketsOf(readings, HOUR));
    // Was [0, 0, 0, 0, 0]: one reading per bucket, nothing inside it to subtract.
    expect(inc).toEqual([8, 7, 10, 6, 0]);
    expect(sum(inc)).toBe(131 - 100);
  });

  it('readings straddling a boundary are split by the share of the time on each side', () => {
    // 10:30 → 100, 11:30 → 108, 12:15 → 114: hour 11 gets half of 8 and two thirds of 6 (30 of 45 min).
    const readings: [number, number][] = [
      [10 * HOUR + 30 * MIN, 100],
      [11 * HOUR + 30 * MIN, 108],
      [12 * HOUR + 15 * MIN, 114],
    ];
    const inc = counterIncreases(slotsOf(10 * HOUR, 13 * HOUR, HOUR), 13 * HOUR, bucketsOf(readings, HOUR));
    expect(inc[0]).toBeCloseTo(4, 12);
    expect(inc[1]).toBeCloseTo(4 + 4, 12);
    expect(inc[2]).toBeCloseTo(2, 12);
  });

  it('takes the reading before the first slot and the one after the last from the neighbouring buckets', () => {
    const readings: [number, number][] = [
      [9 * HOUR + 30 * MIN, 90],
      [10 * HOUR + 30 * MIN, 100],
      [11 * HOUR + 30 * MIN, 110],
    ];
    // Only the 10:00 slot is asked for: half the step from 09:30 and half the step to 11:30.
    const inc = counterIncreases([10 * HOUR], 11 * HOUR, bucketsOf(readings, HOUR));
    expect(inc[0]).toBeCloseTo(10, 12);
  });

  it('hourly readings in daily buckets: each day is the growth from midnight to midnight', () => {
    const readings = Array.from({ length: 3 * 24 + 1 }, (_, k): [number, number] => [
      k * HOUR,
      1000 + 10 * k,
    ]);
    const inc = counterIncreases(slotsOf(0, 3 * DAY, DAY), 3 * DAY, bucketsOf(readings, DAY));
    // Was 230 a day: 23 steps inside the day, the 24th (to the next midnight) left out.
    expect(inc).toEqual([240, 240, 240]);
  });

  it('minute readings in minute buckets, and an hourly counter at minute buckets spread evenly', () => {
    const minutely = Array.from({ length: 5 }, (_, k): [number, number] => [k * MIN + 20_000, 50 + 2 * k]);
    const m = counterIncreases(slotsOf(0, 5 * MIN, MIN), 5 * MIN, bucketsOf(minutely, MIN));
    // Readings at :20 of each minute: the first minute has 40 s of a step, the last 20 s (no reading after it).
    [4 / 3, 2, 2, 2, 2 / 3].forEach((v, k) => expect(m[k]).toBeCloseTo(v, 12));
    expect(sum(m)).toBeCloseTo(58 - 50, 12);
    const hourly: [number, number][] = [
      [0, 0],
      [HOUR, 60],
    ];
    const h = counterIncreases(slotsOf(0, HOUR, MIN), HOUR, bucketsOf(hourly, MIN));
    expect(h).toHaveLength(60);
    h.forEach((v) => expect(v).toBeCloseTo(1, 12));
  });

  it('keeps the meter rule between buckets: a replacement counts the new reading, a glitch is negative', () => {
    const readings: [number, number][] = [
      [0, 5000],
      [HOUR, 5010],
      [2 * HOUR, 4], // replaced: the new register read 4
      [3 * HOUR, 12],
      [4 * HOUR, 11.5], // a glitch, back to normal on the next reading
      [5 * HOUR, 20],
    ];
    const inc = counterIncreases(slotsOf(0, 6 * HOUR, HOUR), 6 * HOUR, bucketsOf(readings, HOUR));
    expect(inc).toEqual([10, 4, 8, -0.5, 8.5, 0]);
  });

  it('leaves slots that no reading or step touches null, and ignores buckets outside the slots', () => {
    const readings: [number, number][] = [
      [2 * HOUR, 10],
      [3 * HOUR, 15],
    ];
    const inc = counterIncreases(slotsOf(0, 6 * HOUR, HOUR), 6 * HOUR, bucketsOf(readings, HOUR));
    expect(inc).toEqual([null, null, 5, 0, null, null]);
    expect(counterIncreases([], 0, bucketsOf(readings, HOUR))).toEqual([]);
  });
});
