import { aggregateFleet } from '@dcfleet/green-metrics';
import { csvCell, ratingsCsv } from './ratings-csv';
import type { RatingRow, RatingsResponse } from '@dcfleet/contracts';

function row(code: string, name: string, pue: number, facilityKwh: number, itKwh: number): RatingRow {
  return {
    code,
    name,
    hub: 'Guizhou',
    from: '2024-12-31T16:00:00.000Z',
    to: '2025-12-31T16:00:00.000Z',
    timeZone: 'Asia/Shanghai',
    pue,
    pueCategory: 1,
    status: 'final',
    coverage: 1,
    grade: 2,
    meetsHubTarget: true,
    wue: null,
    cue: null,
    cueLocation: null,
    ref: null,
    erf: null,
    ere: null,
    dcie: 1 / pue,
    meteringFault: false,
    faultReasons: [],
    coverageBy: { facility: 1, it: 1, renewable: null, reused: null, water: null },
    sources: { facility: 'counter', it: 'counter' },
    energy: {
      facilityKwh,
      itKwh,
      renewableKwh: null,
      reusedKwh: null,
      waterM3: null,
      co2Kg: null,
      co2LocationKg: null,
    },
  };
}

/** The CSV of a hub-wide table of one site, read cell by column name. */
function oneSiteCsv(site: RatingRow, period: Pick<RatingsResponse, 'year' | 'period'>) {
  const body: RatingsResponse = {
    ...period,
    scheme: {} as RatingsResponse['scheme'],
    generatedAt: '',
    scope: { kind: 'hub' },
    sites: [site],
    fleet: aggregateFleet([site]),
  };
  const [header, line] = ratingsCsv(body).slice(1).split('\r\n');
  const cols = header!.split(',');
  const cells = line!.split(',');
  return (name: string) => cells[cols.indexOf(name)];
}

describe('ratings CSV', () => {
  it('quotes separators and quotes, and neutralises spreadsheet formulas in text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(false)).toBe('false');
  });

  it('writes a BOM, a header, one row per site and an energy-weighted FLEET row', () => {
    const sites = [
      row('GZ-01', '贵安 A', 1.2500000000000002, 1_000_000, 800_000),
      row('GZ-02', 'B, Inc.', 1.3, 130_000, 100_000),
    ];
    const body: RatingsResponse = {
      year: 2025,
      scheme: {} as RatingsResponse['scheme'],
      generatedAt: '',
      scope: { kind: 'organization', code: 'YELANG', name: 'Yelang Cloud Works' },
      sites,
      fleet: aggregateFleet(sites),
    };
    const csv = ratingsCsv(body);
    expect(csv.startsWith('\uFEFFcode,name,hub,')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^GZ-01,贵安 A,Guizhou,2025-01-01,2025-12-31,final,1,1.25,2,true,1,0.8,.*,Asia\/Shanghai,/,
    );
    expect(lines[2]).toMatch(/^GZ-02,"B, Inc.",/);
    expect(lines[3]).toMatch(
      new RegExp(
        `^FLEET,"Fleet of Yelang Cloud Works \\(YELANG\\), energy-weighted \\(2 sites, 0 excluded\\)",,,,final,1,${Number((1_130_000 / 900_000).toFixed(6))},`,
      ),
    );
    // Every line has one cell per column (the fleet's name holds two commas).
    const cols = lines[0]!.split(',').length;
    expect(lines[1]!.split(',').length).toBe(cols);
    expect(lines[3]!.split(',').length - 2).toBe(cols);
  });

  it('names the emission factor used, its source, the racks and since when the reference data applied', () => {
    const site: RatingRow = {
      ...row('GZ-03', 'C', 1.25, 1_250, 1_000),
      racks: 320,
      referenceFrom: '2025-06-30T16:00:00.000Z',
      emissionFactor: {
        factor: 0.3869,
        kind: 'region',
        region: 'CN-South',
        year: 2022,
        source: 'MEE & NBS 2022 factors: Southern region',
      },
    };
    const cell = oneSiteCsv(site, { year: 2025 });
    expect(cell('racks')).toBe('320');
    expect(cell('emission_factor_kg_per_kwh')).toBe('0.3869');
    expect(cell('emission_factor_kind')).toBe('region');
    expect(cell('emission_factor_region')).toBe('CN-South');
    expect(cell('emission_factor_year')).toBe('2022');
    expect(cell('emission_factor_source')).toBe('MEE & NBS 2022 factors: Southern region');
    expect(cell('reference_from_date')).toBe('2025-07-01');
  });
  it("writes a trailing-12 period as the site's local dates, last day inclusive, with its zone", () => {
    const site: RatingRow = {
      ...row('NY-01', 'D', 1.3, 1_300, 1_000),
      from: '2025-12-01T05:00:00.000Z',
      to: '2026-12-01T05:00:00.000Z',
      timeZone: 'America/New_York',
    };
    const cell = oneSiteCsv(site, { period: 'trailing12' });
    expect([cell('from_date'), cell('to_date'), cell('time_zone')]).toEqual([
      '2025-12-01',
      '2026-11-30',
      'America/New_York',
    ]);
  });
});
