import { localMonthRange, localYearRange } from './calendar';
import {
  exchangeStep,
  type MeterExchange,
  DEFAULT_COUNTER_MAX_GAP_MS,
  counterEnergy,
  estimateReportingIntervalMs,
  pairedEnergy,
  periodEnergy,
  powerEnergy,
  type MeteredInput,
  type SeriesInput,
} from './energy';
import { rateSite } from './rating';
import { ratingStatus } from './status';
import {
  DAY,
  HOUR,
  MINUTE,
  constantKw,
  gaugeSamples,
  meterSamples,
  rollupDaily,
  steps,
  trapezoidKwh,
} from './test-support/daily-buckets';

const SH = 'Asia/Shanghai';
const year2025 = localYearRange(2025, SH);
/** Hourly instants from one day before to one day after local 2025. */
const hourly = steps(year2025.start - DAY, year2025.end + DAY, HOUR);
const inYear = (t: number) => t >= year2025.start && t < year2025.end;
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

describe('counterEnergy — energy meters from daily buckets', () => {
  it('full year of hourly readings at 1000 kWh/h: 8 760 000 kWh, coverage 1, no gaps', () => {
    const buckets = rollupDaily(meterSamples(hourly, constantKw(1000), { startReading: 5_000_000 }), SH);
    const e = counterEnergy(buckets, year2025);
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.coverage).toBe(1);
    expect(e.coveredMs).toBe(8760 * HOUR);
    expect(e.periodMs).toBe(8760 * HOUR);
    expect(e.gaps).toEqual([]);
    expect(e.resets).toBe(0);
    expect(e.bridgedKwh).toBe(0);
    expect(e.maxGapMs).toBe(DEFAULT_COUNTER_MAX_GAP_MS);
  });

  it('varying consumption: equals the sum of the hourly steps whose reading falls in the year', () => {
    const step = (t: number) => 700 + ((t / HOUR) % 24) * 12.5 + ((t / DAY) % 5);
    const buckets = rollupDaily(
      meterSamples(hourly, (_from, to) => step(to)),
      SH,
    );
    const expected = hourly.filter(inYear).reduce((s, t) => s + step(t), 0);
    expect(counterEnergy(buckets, year2025).energyKwh).toBeCloseTo(expected, 4);
  });

  it('attributes the step across New Year to the year of the later reading (needs the previous bucket)', () => {
    const all = rollupDaily(meterSamples(hourly, constantKw(1000)), SH);
    const onlyYear = all.filter((b) => b.bucket >= year2025.start && b.bucket < year2025.end);
    const e = counterEnergy(onlyYear, year2025);
    // Without the reading before 00:00 on 1 January the first hour is unknown: 8 759 steps.
    expect(e.energyKwh).toBe(8_759_000);
    expect(e.coveredMs).toBe(8759 * HOUR);
    expect(e.gaps).toEqual([]);
    // Months add up to the year when the previous buckets are passed.
    const months = Array.from({ length: 12 }, (_, i) => counterEnergy(all, localMonthRange(2025, i + 1, SH)));
    expect(months.reduce((s, m) => s + m.energyKwh, 0)).toBe(8_760_000);
    expect(months[0].energyKwh).toBe(31 * 24 * 1000);
  });

  it('meter replaced mid-day (counter reset) still gives the right annual energy', () => {
    const samples = meterSamples(hourly, constantKw(1000), {
      startReading: 3_456_789,
      replacedAt: [sh('2025-07-01T10:30:00')],
    });
    const e = counterEnergy(rollupDaily(samples, SH), year2025);
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.resets).toBe(1);
  });

  it('meter replaced at local midnight (reset between two daily buckets) still gives the right annual energy', () => {
    const samples = meterSamples(hourly, constantKw(1000), {
      startReading: 3_456_789,
      replacedAt: [sh('2025-07-01T00:00:00')],
    });
    const buckets = rollupDaily(samples, SH);
    expect(buckets.every((b) => b.resets === 0)).toBe(true);
    const e = counterEnergy(buckets, year2025);
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.resets).toBe(1);
  });

  describe('recorded meter exchanges', () => {
    /**
     * Hourly readings of 1000 kW; the meter is exchanged at `at` for one whose register starts at `newInitial`.
     * The old meter ran `tail` kWh after its last stored reading (its final reading says so).
     */
    function exchanged(at: number, newInitial: number) {
      const samples = meterSamples(hourly, constantKw(1000), { startReading: 2_000_000 });
      const k = samples.findIndex((x) => x.ts >= at);
      const offset = samples[k]!.value - newInitial - 1000; // the new register reads newInitial + 1 h of energy
      const moved = samples.map((x, i) => (i >= k ? { ...x, value: x.value - offset } : x));
      const x: MeterExchange = {
        oldFinal: samples[k - 1]!.value + 400, // 24 minutes more on the old meter
        newInitial: newInitial + 400, // … so the new one counted the remaining 36 minutes
        before: { ts: samples[k - 1]!.ts, value: samples[k - 1]!.value },
        after: { ts: samples[k]!.ts, value: moved[k]!.value },
      };
      return { buckets: rollupDaily(moved, SH), x };
    }

    it('a new meter starting at 40 % of the old register: the rule reads a glitch and loses energy; the record fixes it', () => {
      const { buckets, x } = exchanged(sh('2025-05-14T10:00:00'), 800_000);
      const ruled = counterEnergy(buckets, year2025);
      expect(ruled.energyKwh).toBeLessThan(8_760_000 - 1_000_000); // the fall is taken as a glitch
      const e = counterEnergy(buckets, year2025, { exchanges: [x] });
      expect(e.energyKwh).toBeCloseTo(8_760_000, 6);
      expect(e.resets).toBe(0);
      expect(e.glitchDrop).toBe(0);
      expect(e.events).toEqual([
        {
          kind: 'exchange',
          at: x.after.ts,
          withinDay: false,
          count: 1,
          size: null,
          before: x.before.value,
          after: x.after.value,
        },
      ]);
    });

    it("at local midnight, a new meter from zero: counts the old meter's last stretch too, not a replacement", () => {
      const { buckets, x } = exchanged(sh('2025-09-01T00:00:00'), 0);
      expect(counterEnergy(buckets, year2025).resets).toBe(1); // the rule: replacement, counting the new reading
      const e = counterEnergy(buckets, year2025, { exchanges: [x] });
      expect(e.energyKwh).toBeCloseTo(8_760_000, 6);
      expect(e.resets).toBe(0);
      expect(e.events.map((ev) => ev.kind)).toEqual(['exchange']);
      expect(exchangeStep(x)).toBeCloseTo(1000, 9);
    });
  });

  it('a reading 0.5 kWh low on a 5 GWh register is a glitch: it adds no energy and is listed, not read as a new meter', () => {
    const samples = meterSamples(hourly, constantKw(1250), { startReading: 5_000_000 });
    const within = samples.findIndex((x) => x.ts === sh('2025-03-10T14:00:00'));
    const boundary = samples.findIndex((x) => x.ts === sh('2025-08-20T00:00:00')); // a day's first reading
    samples[within] = { ...samples[within]!, value: samples[within - 1]!.value - 0.5 };
    samples[boundary] = { ...samples[boundary]!, value: samples[boundary - 1]!.value - 0.25 };
    const e = counterEnergy(rollupDaily(samples, SH), year2025);
    expect(e.energyKwh).toBeCloseTo(10_950_000, 6); // was 22.04 GWh: each dip added the whole register
    expect(e.resets).toBe(0);
    expect(e.glitchDrop).toBeCloseTo(0.75, 9); // how far the two readings fell below their predecessors
    expect(e.events).toEqual([
      {
        kind: 'glitch',
        at: sh('2025-03-10T00:00:00'),
        withinDay: true,
        count: 1,
        size: 0.5,
        before: null,
        after: null,
      },
      {
        kind: 'glitch',
        at: sh('2025-08-20T00:00:00'),
        withinDay: false,
        count: 1,
        size: 0.25,
        before: samples[boundary - 1]!.value,
        after: samples[boundary]!.value,
      },
    ]);
    const it = rollupDaily(meterSamples(hourly, constantKw(1000), { startReading: 7_000_000 }), SH);
    const r = rateSite({
      facility: counterEnergy(rollupDaily(samples, SH), year2025),
      it: counterEnergy(it, year2025),
    });
    expect(r.pue).toBeCloseTo(1.25, 9); // was 2.516, final, below-limit
    expect(r.grade).toBe(2);
  });

  it('a fall to at most a tenth of the previous reading is a meter replacement, listed with its readings', () => {
    const samples = meterSamples(hourly, constantKw(1000), {
      startReading: 5_000_000,
      replacedAt: [sh('2025-05-01T00:00:00')],
    });
    const e = counterEnergy(rollupDaily(samples, SH), year2025);
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.events).toEqual([
      expect.objectContaining({ kind: 'replacement', withinDay: false, after: 1000, size: null }),
    ]);
  });

  it('a month without readings: the meter bridged it, so its energy and its time count as measured (final)', () => {
    const april = localMonthRange(2025, 4, SH);
    const ts = hourly.filter((t) => t < april.start || t >= april.end);
    const e = counterEnergy(rollupDaily(meterSamples(ts, constantKw(1000)), SH), year2025);
    // Readings 31 Mar 23:00 → 1 May 00:00 span 721 h, all consumed within 2025.
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.bridgedKwh).toBe(721_000);
    expect(e.coveredMs).toBe(8760 * HOUR); // was 8 039 h: the bridged month counted against coverage
    expect(e.coverage).toBe(1);
    expect(e.gaps).toEqual([]);
    expect(e.bridged).toEqual([{ from: sh('2025-03-31T23:00:00'), to: sh('2025-05-01T00:00:00') }]);
    expect(ratingStatus(e.coverage, 1)).toBe('final');
    // April itself: no energy (the bridged step belongs to May, the month of the later reading), no coverage.
    const aprilEnergy = counterEnergy(rollupDaily(meterSamples(ts, constantKw(1000)), SH), april);
    expect(aprilEnergy).toMatchObject({
      energyKwh: 0,
      coverage: 0,
      gaps: [{ from: april.start, to: april.end }],
    });
  });

  it('a gap straddling New Year: bridged time clipped to the year, bridged energy attributed to the later reading', () => {
    const ts = steps(sh('2024-12-01T00:00:00'), year2025.end + DAY, HOUR).filter(
      (t) => t < sh('2024-12-20T00:00:00') || t >= sh('2025-01-05T00:00:00'),
    );
    const buckets = rollupDaily(meterSamples(ts, constantKw(1000)), SH);
    const e = counterEnergy(buckets, year2025);
    // Last reading before: 19 Dec 23:00; last in year: 31 Dec 2025 23:00 → 289 h + 8 759 h.
    expect(e.energyKwh).toBe(9_048_000);
    expect(e.bridgedKwh).toBe(385_000);
    // 8 663 h of hourly links, the 96 h of 2025 the meter bridged; the last hour's link belongs to 2026.
    expect(e.coveredMs).toBe((8663 + 96) * HOUR);
    expect(e.gaps).toEqual([]);
    expect(e.bridged).toEqual([{ from: year2025.start, to: sh('2025-01-05T00:00:00') }]);
    const y2024 = localYearRange(2024, SH);
    // 2024: no readings before 1 December, then the gap from the last December reading to the year end.
    expect(counterEnergy(buckets, y2024).gaps).toEqual([
      { from: y2024.start, to: sh('2024-12-01T00:00:00') },
      { from: sh('2024-12-19T23:00:00'), to: y2024.end },
    ]);
  });

  it('a day with sparse readings: the meter bridged the time between them, energy and time counted', () => {
    const day = sh('2025-06-10T00:00:00');
    const keep = new Set([day, day + 12 * HOUR, day + 23 * HOUR]);
    const ts = hourly.filter((t) => t < day || t >= day + DAY || keep.has(t));
    const e = counterEnergy(rollupDaily(meterSamples(ts, constantKw(1000)), SH), year2025);
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.bridgedKwh).toBe(23_000);
    expect(e.coveredMs).toBe(8760 * HOUR);
    expect(e.gaps).toEqual([]);
    expect(e.bridged).toEqual([{ from: day, to: day + 23 * HOUR }]);
  });

  it('documents the approximation: one 4 h hole inside an otherwise hourly day is not seen', () => {
    const day = sh('2025-06-10T00:00:00');
    const ts = hourly.filter((t) => !(t > day + 10 * HOUR && t < day + 14 * HOUR));
    const e = counterEnergy(rollupDaily(meterSamples(ts, constantKw(1000)), SH), year2025);
    expect(e.energyKwh).toBe(8_760_000);
    expect(e.coverage).toBe(1); // 23 h over 20 links = 1.15 h mean interval ≤ 2 h
  });

  it('max gap is configurable per call: for a counter it only decides what is listed as bridged', () => {
    const buckets = rollupDaily(meterSamples(hourly, constantKw(1000)), SH);
    const strict = counterEnergy(buckets, year2025, { maxGapMs: 30 * MINUTE });
    expect(strict.energyKwh).toBe(8_760_000);
    expect(strict.bridgedKwh).toBe(8_760_000);
    // Every hourly link is bridged and measured, but for the last hour, whose link belongs to 2026.
    expect(strict.coveredMs).toBe(8759 * HOUR);
    expect(strict.gaps).toEqual([{ from: year2025.end - HOUR, to: year2025.end }]);
    expect(strict.maxGapMs).toBe(30 * MINUTE);
  });

  it('no data at all: zero energy, zero coverage, the whole period is a gap', () => {
    expect(counterEnergy([], year2025)).toMatchObject({
      energyKwh: 0,
      coverage: 0,
      coveredMs: 0,
      resets: 0,
      gaps: [{ from: year2025.start, to: year2025.end }],
    });
  });

  it('rejects overlapping buckets, buckets straddling the period edge, bad periods and bad max gaps', () => {
    const buckets = rollupDaily(meterSamples(hourly, constantKw(1000)), SH);
    expect(() => counterEnergy([...buckets, buckets[3]], year2025)).toThrow(/overlapping/);
    // A UTC year is not aligned to Shanghai days.
    expect(() => counterEnergy(buckets, { start: Date.UTC(2025, 0, 1), end: Date.UTC(2026, 0, 1) })).toThrow(
      /straddles/,
    );
    expect(() => counterEnergy(buckets, { start: year2025.end, end: year2025.start })).toThrow(
      /invalid period/,
    );
    expect(() => counterEnergy(buckets, year2025, { maxGapMs: -1 })).toThrow(/maxGapMs/);
  });

  it('Europe/Berlin: 23 h and 25 h days give March 743 h and October 745 h of energy', () => {
    const tz = 'Europe/Berlin';
    const y = localYearRange(2025, tz);
    const ts = steps(y.start - DAY, y.end + DAY, HOUR);
    const buckets = rollupDaily(meterSamples(ts, constantKw(1000)), tz);
    const dstDays = buckets
      .filter((b) => b.count !== 24)
      .map((b) => ({ start: new Date(b.bucket).toISOString(), count: b.count }));
    expect(dstDays).toEqual([
      { start: '2025-03-29T23:00:00.000Z', count: 23 },
      { start: '2025-10-25T22:00:00.000Z', count: 25 },
    ]);
    const march = counterEnergy(buckets, localMonthRange(2025, 3, tz));
    const october = counterEnergy(buckets, localMonthRange(2025, 10, tz));
    expect(march).toMatchObject({ energyKwh: 743_000, coverage: 1 });
    expect(october).toMatchObject({ energyKwh: 745_000, coverage: 1 });
    expect(counterEnergy(buckets, y)).toMatchObject({ energyKwh: 8_760_000, coverage: 1, gaps: [] });
  });
});

describe('powerEnergy — power-only sites (kW gauges)', () => {
  const q = 15 * MINUTE;
  const quarterHourly = steps(year2025.start - DAY, year2025.end + DAY, q);

  it('constant 1000 kW sampled every 15 min: 8 760 000 kWh, coverage 1', () => {
    const buckets = rollupDaily(
      gaugeSamples(quarterHourly, () => 1000),
      SH,
    );
    expect(estimateReportingIntervalMs(buckets)).toBe(q);
    const e = powerEnergy(buckets, year2025);
    expect(e.energyKwh).toBeCloseTo(8_760_000, 6);
    expect(e.coverage).toBe(1);
    expect(e.maxGapMs).toBe(30 * MINUTE);
    expect(e.bridgedKwh).toBe(0);
  });

  it('power constant within each day, changing between days: equals the trapezoid integral of the samples', () => {
    const kw = (t: number) => 900 + 25 * (Math.floor((t - year2025.start) / DAY) % 7);
    const samples = gaugeSamples(quarterHourly, kw);
    const e = powerEnergy(rollupDaily(samples, SH), year2025);
    expect(e.energyKwh).toBeCloseTo(trapezoidKwh(samples, year2025.start, year2025.end, 30 * MINUTE), 6);
  });

  it('power varying within the day: equals the trapezoid integral of the samples (regular sampling)', () => {
    const kw = (t: number) =>
      1000 + 150 * Math.sin((2 * Math.PI * (t % DAY)) / DAY) + 40 * Math.cos(t / (7 * HOUR));
    const samples = gaugeSamples(quarterHourly, kw);
    const e = powerEnergy(rollupDaily(samples, SH), year2025);
    const truth = trapezoidKwh(samples, year2025.start, year2025.end, 30 * MINUTE);
    expect(Math.abs(e.energyKwh - truth) / truth).toBeLessThan(1e-9);
  });

  it('a missing day is not bridged: no energy for it, its time counts against coverage', () => {
    const day = sh('2025-06-10T00:00:00');
    const samples = gaugeSamples(
      quarterHourly.filter((t) => t < day || t >= day + DAY),
      () => 1000,
    );
    const e = powerEnergy(rollupDaily(samples, SH), year2025);
    // Link 9 Jun 23:45 → 11 Jun 00:00 = 24.25 h is dropped.
    expect(e.energyKwh).toBeCloseTo((8760 - 24.25) * 1000, 6);
    expect(e.coveredMs).toBe((8760 - 24.25) * HOUR);
    expect(e.gaps).toEqual([{ from: day - q, to: day + DAY }]);
    expect(e.bridgedKwh).toBe(0);
  });

  it('a 6 h hole inside a day reduces coverage (capped at links × interval), never filled with the mean', () => {
    const day = sh('2025-06-10T00:00:00');
    const samples = gaugeSamples(
      quarterHourly.filter((t) => t < day + 6 * HOUR || t >= day + 12 * HOUR),
      () => 1000,
    );
    const e = powerEnergy(rollupDaily(samples, SH), year2025);
    // 72 samples, 71 links: estimated 71 × 15 min = 17.75 h covered (exact: 17.5 h; one interval over).
    expect(e.coveredMs).toBe((8760 - 6) * HOUR);
    expect(e.energyKwh).toBeCloseTo((8760 - 6) * 1000, 6);
  });

  it('uses an explicit interval / max gap when given', () => {
    const samples = gaugeSamples(steps(year2025.start - DAY, year2025.end + DAY, HOUR), () => 500);
    const buckets = rollupDaily(samples, SH);
    expect(powerEnergy(buckets, year2025).coverage).toBe(1);
    const strict = powerEnergy(buckets, year2025, { intervalMs: HOUR, maxGapMs: 30 * MINUTE });
    expect(strict).toMatchObject({
      energyKwh: 0,
      coverage: 0,
      gaps: [{ from: year2025.start, to: year2025.end }],
    });
    expect(() => powerEnergy(buckets, year2025, { intervalMs: 0 })).toThrow(/intervalMs/);
  });

  it('cannot integrate a series with one sample per day unless a max gap is given', () => {
    const samples = gaugeSamples(steps(year2025.start - DAY, year2025.end + DAY, DAY), () => 100);
    const buckets = rollupDaily(samples, SH);
    expect(estimateReportingIntervalMs(buckets)).toBeNull();
    expect(powerEnergy(buckets, year2025)).toMatchObject({ energyKwh: 0, coverage: 0 });
    const daily = powerEnergy(buckets, year2025, { maxGapMs: DAY });
    expect(daily.energyKwh).toBeCloseTo(8760 * 100, 6);
    expect(daily.coverage).toBe(1);
  });

  it('periodEnergy dispatches on the series kind', () => {
    const buckets = rollupDaily(
      gaugeSamples(quarterHourly, () => 1000),
      SH,
    );
    expect(periodEnergy({ kind: 'gauge', buckets }, year2025).energyKwh).toBeCloseTo(8_760_000, 6);
    const meter = rollupDaily(meterSamples(hourly, constantKw(1000)), SH);
    expect(
      periodEnergy({ kind: 'counter', buckets: meter, options: { maxGapMs: HOUR } }, year2025).energyKwh,
    ).toBe(8_760_000);
  });
});

describe('pairedEnergy — facility and IT energy over the same time', () => {
  const every5min = steps(year2025.start - DAY, year2025.end + DAY, 5 * MINUTE);
  const gap = { from: sh('2025-07-01T00:00:00'), to: sh('2025-07-15T00:00:00') };
  const outside = (t: number) => t < gap.from || t >= gap.to;
  const gauge = (kw: number, ts = every5min): MeteredInput => ({
    kind: 'gauge',
    buckets: rollupDaily(
      gaugeSamples(ts, () => kw),
      SH,
    ),
  });
  const meter = (kw: number, ts = hourly): MeteredInput => ({
    kind: 'counter',
    buckets: rollupDaily(meterSamples(ts, constantKw(kw)), SH),
  });
  it('stitches a site that moved from power gauges to an energy meter mid-year (and back)', () => {
    const july = sh('2025-07-01T00:00:00');
    const october = sh('2025-10-01T00:00:00');
    // Facility: power until June, a new meter (first read 1 July 00:00, from 0) until September, power again.
    const facility: SeriesInput = {
      kind: 'stitched',
      parts: [
        {
          from: -Infinity,
          series: gauge(
            1250,
            every5min.filter((t) => t < july || t >= october),
          ),
        },
        {
          from: july,
          series: meter(
            1250,
            hourly.filter((t) => t >= july && t < october),
          ),
        },
        {
          from: october,
          series: gauge(
            1250,
            every5min.filter((t) => t < july || t >= october),
          ),
        },
      ],
    };
    const e = periodEnergy(facility, year2025);
    // Lost at the seams only: the gauges' last 5 minutes of June (no gauge sample at 1 July 00:00, which is the
    // meter's zero) and the meter's last hour of September (its 23:00 reading has no successor in its part).
    const lostH = 1 + 5 / 60;
    expect(e.energyKwh).toBeCloseTo(1250 * (8760 - lostH), 6);
    expect(e.coverage).toBeCloseTo((8760 - lostH) / 8760, 9);
    expect(e.gaps).toEqual([{ from: sh('2025-06-30T23:55:00'), to: july }]);
    const r = rate(facility, meter(1000));
    expect(r.status).toBe('final');
    expect(r.pue).toBeCloseTo(1.25, 9);
    // Without stitching only the meter's quarter was rated: coverage 25 %, interim.
    expect(
      periodEnergy(
        meter(
          1250,
          hourly.filter((t) => t >= july && t < october),
        ),
        year2025,
      ).coverage,
    ).toBeLessThan(0.26);
  });

  /** The PUE and status rateSite gives for the paired energies. */
  const rate = (facility: SeriesInput, it: SeriesInput) => {
    const p = pairedEnergy(facility, it, year2025);
    const r = rateSite({
      facility: { energyKwh: p.facility.energyKwh, coverage: p.coverage },
      it: { energyKwh: p.it.energyKwh, coverage: p.coverage },
      hub: 'Guizhou',
    });
    return { pue: r.pue, status: r.status, grade: r.grade, coverage: p.coverage };
  };

  it('cuts a power gap of one side out of both: a true 1.30 stays 1.30 (alone they read 1.25)', () => {
    const r = rate(gauge(1300, every5min.filter(outside)), gauge(1000));
    expect(r.pue).toBeCloseTo(1.3, 9);
    expect(r.coverage).toBeCloseTo(1 - 14 / 365, 4); // the 14 days (and the 10 minutes around them)
    expect(r).toMatchObject({ status: 'final', grade: 2 });
    const alone = [
      periodEnergy(gauge(1300, every5min.filter(outside)), year2025),
      periodEnergy(gauge(1000), year2025),
    ];
    expect(alone[0]!.energyKwh / alone[1]!.energyKwh).toBeCloseTo(1.25, 2); // what dividing them directly gave
  });

  it('a counter bridging a gap and a gauge missing it: 1.30, not 1.35', () => {
    const r = rate(meter(1300, hourly.filter(outside)), gauge(1000, every5min.filter(outside)));
    expect(r.pue).toBeCloseTo(1.3, 9);
    expect(r.grade).toBe(2);
  });

  it('an IT meter first read on 15 January: the days before are cut from facility energy too (1.25, not 1.30)', () => {
    const r = rate(
      meter(1250),
      meter(
        1000,
        hourly.filter((t) => t >= sh('2025-01-15T00:00:00')),
      ),
    );
    expect(r.pue).toBeCloseTo(1.25, 9);
    expect(r).toMatchObject({ status: 'final', grade: 2 }); // 14 days without IT: still 96 % of the year
  });

  it('a meter silent across New Year: neither year books the other year’s energy', () => {
    const silent = (t: number) => t < sh('2024-12-19T00:00:00') || t >= sh('2025-01-01T00:00:00');
    const all = steps(sh('2024-01-01T00:00:00') - DAY, year2025.end + DAY, HOUR);
    const year2024 = localYearRange(2024, SH);
    for (const period of [year2024, year2025]) {
      const facility = {
        kind: 'counter',
        buckets: rollupDaily(meterSamples(all, constantKw(1230)), SH),
      } as const;
      const it = {
        kind: 'counter',
        buckets: rollupDaily(meterSamples(all.filter(silent), constantKw(1000)), SH),
      } as const;
      const p = pairedEnergy(facility, it, period);
      expect(p.facility.energyKwh / p.it.energyKwh).toBeCloseTo(1.23, 9);
    }
  });

  it('keeps what both meters read across a gap they share (the gateway was down): totals stay whole', () => {
    const feb = localMonthRange(2025, 2, SH);
    const up = hourly.filter((t) => t < feb.start || t >= feb.end);
    const p = pairedEnergy(meter(1300, up), meter(1000, up), year2025);
    expect(p.it.energyKwh).toBe(counterEnergy(meter(1000, up).buckets, year2025).energyKwh);
    expect(p.facility.energyKwh / p.it.energyKwh).toBeCloseTo(1.3, 12);
    expect(p.coverage).toBe(1); // both meters kept counting through February: its time is measured on both sides
  });

  it('a short outage of one side every midnight costs its minutes, not whole days', () => {
    // Facility power misses 00:00 and 00:05 every day (a gap of 15 min across midnight); IT power is complete.
    const restarts = every5min.filter((t) => (t - year2025.start) % DAY >= 10 * MINUTE);
    const p = pairedEnergy(gauge(1300, restarts), gauge(1000), year2025);
    expect(p.facility.energyKwh / p.it.energyKwh).toBeCloseTo(1.3, 9);
    expect(p.coverage).toBeCloseTo(1 - 15 / 1440, 3);
  });

  it('cuts nothing when both sides miss the same time, e.g. the gateway was down every night', () => {
    const nights = every5min.filter((t) => (t - year2025.start) % DAY >= 3 * HOUR);
    const p = pairedEnergy(gauge(1300, nights), gauge(1000, nights), year2025);
    expect(p.facility.energyKwh / p.it.energyKwh).toBeCloseTo(1.3, 9);
    expect(p.coverage).toBeCloseTo(21 / 24, 2);
  });
});
