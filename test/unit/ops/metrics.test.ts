import { operationLabel, routeLabel } from '../../../src/ops/metrics';
import { requestIdFor } from '../../../src/ops/request-logger';

describe('operationLabel', () => {
  it('keeps sane names until there are too many, then says "other"', () => {
    const seen = new Set<string>();
    expect(operationLabel('KaiyangOverview', seen, 2)).toBe('KaiyangOverview');
    expect(operationLabel(undefined, seen, 2)).toBe('anonymous');
    expect(operationLabel('Second', seen, 2)).toBe('Second');
    expect(operationLabel('Third', seen, 2)).toBe('other');
    expect(operationLabel('KaiyangOverview', seen, 2)).toBe('KaiyangOverview');
    expect(operationLabel('not a name"}', new Set(), 2)).toBe('other');
    expect(operationLabel('x'.repeat(65), new Set(), 2)).toBe('other');
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
