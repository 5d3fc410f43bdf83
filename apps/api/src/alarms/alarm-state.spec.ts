import { condKey, inletKey } from './alarm-state';

describe('inletKey', () => {
  it('keys a zone-only series by its zone, without parsing the common form', () => {
    expect(inletKey('{"zone":"A1"}')).toEqual({ key: 'A1', zone: 'A1' });
  });

  it('parses an escaped zone like any other JSON', () => {
    expect(inletKey('{"zone":"A\\"1"}')).toEqual({ key: 'A"1', zone: 'A"1' });
  });

  it('keys a series with more labels by all of them (one alarm per sensor), keeping its zone', () => {
    expect(inletKey('{"rack":"R7","zone":"B2"}')).toEqual({ key: 'rack=R7,zone=B2', zone: 'B2' });
    expect(inletKey('{"dc":"X","rack":"R1"}')).toEqual({ key: 'dc=X,rack=R1', zone: null });
  });

  it('keys an unlabelled series by the empty key', () => {
    expect(inletKey('')).toEqual({ key: '', zone: null });
  });
});

describe('condKey', () => {
  it('separates rule, site and key so that no two conditions share one', () => {
    expect(condKey(1, 23, 'A')).not.toBe(condKey(12, 3, 'A'));
    expect(condKey(1, 2, '3|A')).not.toBe(condKey(1, 23, 'A'));
  });
});
