import { describe, expect, it } from 'vitest';
import { fleetSearch, fleetView, patchFleetSearch } from './fleet-search';

describe('fleet URL state', () => {
  it('keeps valid filters, sort and view; drops the rest and the defaults', () => {
    expect(fleetSearch({ region: 'Gui an', status: 'stale', sort: 'pue', view: 'table', x: '1' })).toEqual({
      region: 'Gui an',
      hub: undefined,
      status: 'stale',
      sort: 'pue',
      view: 'table',
    });
    expect(fleetSearch({ status: 'burning', sort: 'code', view: 'tiles', region: '' })).toEqual({
      region: undefined,
      hub: undefined,
      status: undefined,
      sort: undefined,
      view: undefined,
    });
  });

  it('reads as filters, sort and view with defaults', () => {
    expect(fleetView({})).toEqual({
      filters: { region: '', hub: '', status: '' },
      sort: 'code',
      view: 'tiles',
    });
    expect(fleetView({ hub: 'H', sort: 'alarms', view: 'table' })).toMatchObject({
      filters: { hub: 'H' },
      sort: 'alarms',
      view: 'table',
    });
  });

  it('changes one control at a time; choosing "All" or a default clears it', () => {
    const search = fleetSearch({ region: 'R', status: 'offline', view: 'table' });
    expect(patchFleetSearch(search, { status: '' })).toMatchObject({
      region: 'R',
      status: undefined,
      view: 'table',
    });
    expect(patchFleetSearch(search, { view: 'tiles' }).view).toBeUndefined();
    expect(patchFleetSearch(search, { sort: 'it' })).toMatchObject({ region: 'R', sort: 'it' });
  });
});
