import { check } from '@placemarkio/check-geojson';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { Geodesic } from 'geographiclib-geodesic';
import { convertGeometry } from '../../../src/geo/convert-geometry';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/** A maintained validator (closed rings, positions, structure) plus RFC 7946 winding, which it does not check. */
function assertValidGeoJSON(value: unknown) {
  expect(() => check(JSON.stringify(value))).not.toThrow();
  const polygons: Polygon['coordinates'][] = [];
  const walk = (g: { type: string; coordinates?: unknown; geometry?: unknown; features?: unknown[] }) => {
    if (g.type === 'FeatureCollection') (g.features as typeof g[]).forEach(walk);
    else if (g.type === 'Feature') walk(g.geometry as typeof g);
    else if (g.type === 'Polygon') polygons.push(g.coordinates as Polygon['coordinates']);
    else if (g.type === 'MultiPolygon') polygons.push(...(g.coordinates as MultiPolygon['coordinates']));
  };
  walk(value as never);
  for (const polygon of polygons) {
    expect(turf.booleanClockwise(polygon[0])).toBe(false);
    for (const hole of polygon.slice(1)) expect(turf.booleanClockwise(hole)).toBe(true);
  }
}

const meters = (a: number[], b: number[]) => Geodesic.WGS84.Inverse(a[1], a[0], b[1], b[0]).s12!;

describe('GeoJSON layers and coordinate systems', () => {
  let t: TestApp;
  const run = async <T>(query: string) => {
    const r = await t.execute<T>(query);
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('villages of a coverage as a valid FeatureCollection with covered, travelMinutes, population', async () => {
    const d = await run<{ coverage: { coveredVillageCount: number; villagesFeatureCollection: FeatureCollection<Point>; polygonFeature: Feature<MultiPolygon> } }>(
      `{ coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", mode: EBIKE) {
           coveredVillageCount villagesFeatureCollection polygonFeature } }`,
    );
    const fc = d.coverage.villagesFeatureCollection;
    assertValidGeoJSON(fc);
    expect(fc.features).toHaveLength(136);
    expect(fc.features.filter((f) => f.properties!.covered)).toHaveLength(d.coverage.coveredVillageCount);
    for (const f of fc.features) {
      expect(f.properties).toEqual(expect.objectContaining({ code: expect.any(String), name: expect.any(String), population: expect.any(Number), covered: expect.any(Boolean), travelMinutes: expect.any(Number) }));
    }
    assertValidGeoJSON(d.coverage.polygonFeature);
    expect(d.coverage.polygonFeature.properties).toMatchObject({ areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'EBIKE', minutes: 15 });
    const uncovered = await run<{ coverage: { villagesFeatureCollection: FeatureCollection } }>(
      `{ coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", mode: EBIKE) { villagesFeatureCollection(covered: false) } }`,
    );
    expect(uncovered.coverage.villagesFeatureCollection.features).toHaveLength(136 - d.coverage.coveredVillageCount);
  });

  it('service points as a FeatureCollection with kind, status and item codes', async () => {
    const d = await run<{ servicePointsFeatureCollection: FeatureCollection<Point> }>(`{ servicePointsFeatureCollection(filter: { areaCode: "520121" }) }`);
    const fc = d.servicePointsFeatureCollection;
    assertValidGeoJSON(fc);
    expect(fc.features).toHaveLength(182);
    const hall = fc.features.find((f) => f.id === 'CH-520121')!;
    expect(hall.properties).toMatchObject({ kind: 'COUNTY_HALL', status: 'ACTIVE' });
    expect(hall.properties!.itemCodes).toHaveLength(24);
  });

  it('area boundaries: Sanming and its 11 counties', async () => {
    const d = await run<{ area: { boundaryFeatureCollection: FeatureCollection<MultiPolygon> } }>(`{ area(code: "3504") { boundaryFeatureCollection } }`);
    const fc = d.area.boundaryFeatureCollection;
    assertValidGeoJSON(fc);
    expect(fc.features.map((f) => f.properties!.level).sort()).toEqual(['CITY', ...Array(11).fill('COUNTY')].sort());
    expect(fc.features.find((f) => f.id === '3504')!.properties!.villageCount).toBe(1964);
  });

  it('every geometry output takes crs: GCJ-02 is shifted a few hundred metres and converts back within 1 m', async () => {
    const d = await run<{
      w: { location: Point; longitude: number; latitude: number };
      g: { location: Point; longitude: number; latitude: number };
      b: { location: Point };
      area: { seat: Point; boundary: MultiPolygon };
    }>(`{ w: village(code: "520121101002") { location longitude latitude }
          g: village(code: "520121101002") { location(crs: GCJ02) longitude(crs: GCJ02) latitude(crs: GCJ02) }
          b: village(code: "520121101002") { location(crs: BD09) }
          area(code: "520121") { seat(crs: GCJ02) boundary(crs: GCJ02) } }`);
    const shift = meters(d.w.location.coordinates, d.g.location.coordinates);
    expect(shift).toBeGreaterThan(200);
    expect(shift).toBeLessThan(800);
    expect([d.g.longitude, d.g.latitude]).toEqual(d.g.location.coordinates);
    expect(meters(convertGeometry(d.g.location.coordinates as [number, number], 'GCJ02', 'WGS84'), d.w.location.coordinates)).toBeLessThan(1);
    expect(meters(convertGeometry(d.b.location.coordinates as [number, number], 'BD09', 'WGS84'), d.w.location.coordinates)).toBeLessThan(1);
    assertValidGeoJSON(d.area.boundary);
  });

  it('coordinate inputs accept the same choice: near in GCJ-02 finds what near in WGS-84 finds', async () => {
    const wgs = [106.97, 27.06] as [number, number];
    const gcj = convertGeometry(wgs, 'WGS84', 'GCJ02');
    const q = (lon: number, lat: number, crs: string) =>
      run<{ servicePoints: { edges: { distanceMeters: number; node: { id: string } }[] } }>(
        `{ servicePoints(first: 10, filter: { near: { longitude: ${lon}, latitude: ${lat}, radiusMeters: 3000, crs: ${crs} } }) { edges { distanceMeters node { id } } } }`,
      );
    const a = await q(wgs[0], wgs[1], 'WGS84');
    const b = await q(gcj[0], gcj[1], 'GCJ02');
    expect(b.servicePoints.edges.map((e) => e.node.id)).toEqual(a.servicePoints.edges.map((e) => e.node.id));
    a.servicePoints.edges.forEach((e, i) => expect(Math.abs(e.distanceMeters - b.servicePoints.edges[i].distanceMeters)).toBeLessThan(1));
  });
});
