import { bundledOperationNames } from '../../../src/ops/bundled-operations';
import { OperationLabels, routeLabel } from '../../../src/ops/metrics';
import { requestIdFor } from '../../../src/ops/request-logger';

describe('OperationLabels', () => {
  it('labels bundled names for anyone, keyed callers\' names while there is room, and nothing new for anonymous callers', () => {
    const labels = new OperationLabels(new Set(['KaiyangOverview']), 3, 2);
    expect(labels.label('KaiyangOverview', null)).toBe('KaiyangOverview');
    expect(labels.label(undefined, null)).toBe('anonymous');
    expect(labels.label('MadeUp', null)).toBe('other');
    expect(labels.label('First', 'key-a')).toBe('First');
    expect(labels.label('First', null)).toBe('other'); // a key's name is not an anonymous caller's to count under
    expect(labels.label('First', 'key-b')).toBe('First'); // already a label: no new slot
    expect(labels.label('Second', 'key-a')).toBe('Second');
    expect(labels.label('Third', 'key-a')).toBe('other'); // key-a's share (2) is used up
    expect(labels.label('Third', 'key-b')).toBe('Third');
    expect(labels.label('Fourth', 'key-c')).toBe('other'); // all 3 free slots are taken
    expect(labels.label('KaiyangOverview', 'key-c')).toBe('KaiyangOverview'); // bundled names take no slot
  });

  it('never labels names that are not sane GraphQL names, or our own labels', () => {
    const labels = new OperationLabels(new Set(), 10, 10);
    expect(labels.label('not a name"}', 'key')).toBe('other');
    expect(labels.label('x'.repeat(65), 'key')).toBe('other');
    expect(labels.label('anonymous', 'key')).toBe('other');
    expect(labels.label('other', 'key')).toBe('other');
  });
});

describe('bundledOperationNames', () => {
  it('has the operations of schema/examples.graphql, the map page and the explorer\'s default tabs', () => {
    const names = bundledOperationNames();
    for (const name of ['KaiyangOverview', 'SanmingCounties', 'MapInit', 'MapCoverage', 'MapWhereToHandle', 'KaiyangCoverage', 'WhereToHandleChronicDisease']) {
      expect(names).toContain(name);
    }
    expect(names.size).toBeLessThan(100);
  });
});

describe('routeLabel', () => {
  it.each([
    ['/graphql', '/graphql'],
    ['/graphql?query=x', '/graphql'],
    ['/metrics', '/metrics'],
    ['/', '/'],
    ['/tiles/villages/10/823/433.mvt?item=X', '/tiles/:layer/:z/:x/:y'],
    ['/tiles/villages.json', '/tiles/:tilejson'],
    ['/map/', '/map'],
    ['/map/static/map.js', '/map/static'],
    ['/vendor/maplibre-gl/maplibre-gl.js', '/vendor'],
    ['/imports/service-points?dryRun=true', '/imports/service-points'],
    ['/imports/anything-a-client-makes-up', 'other'],
    ['/ogc', '/ogc'],
    ['/ogc/', '/ogc'],
    ['/ogc/api?f=json', '/ogc/api'],
    ['/ogc/collections', '/ogc/collections'],
    ['/ogc/collections/villages', '/ogc/collections/:id'],
    ['/ogc/collections/villages/items?limit=10&cursor=x', '/ogc/collections/:id/items'],
    ['/ogc/collections/villages/items/520121101002', '/ogc/collections/:id/items/:featureId'],
    ['/ogc/collections/villages/items/1/2', 'other'],
    ['/wp-admin/setup.php', 'other'],
  ])('%s → %s', (path, label) => {
    expect(routeLabel(path)).toBe(label);
  });
});

describe('requestIdFor', () => {
  it('keeps a sane client id and makes up one otherwise', () => {
    expect(requestIdFor('partner-batch-42.7')).toBe('partner-batch-42.7');
    for (const bad of [undefined, '', 'has space', 'x'.repeat(65), ['a', 'b'], '<script>']) {
      expect(requestIdFor(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
