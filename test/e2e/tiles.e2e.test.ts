import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Point, Polygon } from 'geojson';
import { convertPosition } from '../../src/geo/convert-geometry';
import { lonLatToTile, tileBounds, tileUnitDegrees, type BBox, type TileAddress } from '../../src/map/tile-math';
import { ServicePointKind, ServicePointStatus } from '../../src/service-point/service-point-kind.enum';
import { ServicePointRepository, type ServicePointInput } from '../../src/service-point/service-point.repository';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { decodeTile } from '../helpers/vector-tile';

/**
 * Vector tiles and TileJSON over real HTTP, decoded with @mapbox/vector-tile and compared with the database and
 * with GraphQL. Runs on the embedded database and on a PostgreSQL server alike.
 */


interface TileResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

interface Decoded {
  props: Record<string, string | number | boolean>;
  id?: number;
  type: number;
  geometry: Feature['geometry'];
}

const KAIYANG_SEAT: [number, number] = [106.9612, 27.0613];
const SANMING_SEAT: [number, number] = [117.64, 26.26];
const OCEAN: [number, number] = [125, 20];
const MVT = 'application/vnd.mapbox-vector-tile';
/** geojson-vt's buffer: 64 of 4096 units each side. */
const BUFFER_FRACTION = 64 / 4096;

const tilePath = (layer: string, t: TileAddress, query = '') => `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt${query}`;

function inBox([lon, lat]: number[], [w, s, e, n]: BBox, marginLon = 0, marginLat = 0): boolean {
  return lon >= w - marginLon && lon <= e + marginLon && lat >= s - marginLat && lat <= n + marginLat;
}

const pointOf = (f: Decoded) => (f.geometry as Point).coordinates;

describe('vector tiles and TileJSON (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  const seat10 = lonLatToTile(...KAIYANG_SEAT, 10);
  const seat11 = lonLatToTile(...KAIYANG_SEAT, 11);
  const sanming10 = lonLatToTile(...SANMING_SEAT, 10);
  /** Every village of the seed, from the database (WGS-84). */
  let villages: Map<string, { lon: number; lat: number; name: string; population: number }>;

  const get = async (path: string, headers: Record<string, string> = {}): Promise<TileResponse> => {
    const res = await fetch(`${baseUrl}${path}`, { headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };

  const decode = (res: TileResponse, layer: string, tile: TileAddress): Decoded[] => {
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(MVT);
    if (res.body.length === 0) return [];
    const layers = decodeTile(res.body);
    expect(Object.keys(layers)).toEqual([layer]);
    const l = layers[layer];
    expect(l.extent).toBe(4096);
    expect(l.version).toBe(2);
    return Array.from({ length: l.length }, (_, i) => {
      const f = l.feature(i);
      return { props: f.properties, id: f.id, type: f.type, geometry: f.toGeoJSON(tile.x, tile.y, tile.z).geometry };
    });
  };

  const tile = async (layer: string, t: TileAddress, query = '') => decode(await get(tilePath(layer, t, query)), layer, t);

  const errorOf = async (path: string) => {
    const res = await get(path);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(res.body.toString('utf8')) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message.length).toBeGreaterThan(20);
    expect(body.errors[0].message).not.toMatch(/\n\s+at /);
    return { status: res.status, code: body.errors[0].extensions.code, message: body.errors[0].message };
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    const rows: { code: string; name: string; population: number; lon: number; lat: number }[] = await t.db.dataSource.query(
      `SELECT code, name, population, ST_X(location::geometry) AS lon, ST_Y(location::geometry) AS lat FROM village`,
    );
    villages = new Map(rows.map((r) => [r.code, { lon: Number(r.lon), lat: Number(r.lat), name: r.name, population: Number(r.population) }]));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('villages layer', () => {
    it.each([10, 11])("a zoom-%i tile over Kaiyang's county seat holds every village in it, at the database coordinates within a tile unit", async (z) => {
      const address = lonLatToTile(...KAIYANG_SEAT, z);
      const features = await tile('villages', address);
      const bounds = tileBounds(address);
      const unit = tileUnitDegrees(address);
      const inside = [...villages].filter(([, v]) => inBox([v.lon, v.lat], bounds)).map(([code]) => code);
      expect(inside.length).toBeGreaterThan(z === 10 ? 40 : 10);

      const byCode = new Map(features.map((f) => [f.props.code as string, f]));
      expect(byCode.size).toBe(features.length); // no duplicates
      for (const code of inside) expect(byCode.has(code)).toBe(true);
      const bufLon = (bounds[2] - bounds[0]) * BUFFER_FRACTION;
      const bufLat = (bounds[3] - bounds[1]) * BUFFER_FRACTION * 1.05;
      for (const f of features) {
        expect(f.type).toBe(1);
        const db = villages.get(f.props.code as string)!;
        expect(db).toBeDefined();
        const [lon, lat] = pointOf(f);
        expect(Math.abs(lon - db.lon)).toBeLessThanOrEqual(unit.longitude);
        expect(Math.abs(lat - db.lat)).toBeLessThanOrEqual(unit.latitude);
        // Only the tile and its buffer.
        expect(inBox([db.lon, db.lat], bounds, bufLon + unit.longitude, bufLat + unit.latitude)).toBe(true);
        expect(f.id).toBe(Number(f.props.code));
        expect(f.props).toMatchObject({ name: db.name, population: db.population, covered: expect.any(Boolean) });
      }
    });

    // The tile's travelModel is the model used (it was once parsed and then ignored): ROAD's tile is ROAD's answer.
    it.each(['STRAIGHT_LINE', 'ROAD'])('agrees with GraphQL coverage(...).villages on covered, travel minutes and nearest point (%s)', async (model) => {
      const query = `?item=CHRONIC_DISEASE_CERT&mode=WALK&minutes=15&travelModel=${model}`;
      const features = await tile('villages', seat10, query);
      const r = await t.execute<{
        coverage: { villages: { edges: { node: { village: { code: string }; covered: boolean; travelMinutes: number | null; nearestServicePoint: { id: string } | null } }[] } };
      }>(
        `{ coverage(areaCode: "520121", itemCode: "CHRONIC_DISEASE_CERT", mode: WALK, minutes: 15, travelModel: ${model}) {
             villages(first: 500) { edges { node { village { code } covered travelMinutes nearestServicePoint { id } } } } } }`,
      );
      expect(r.errors).toBeUndefined();
      const expected = new Map(r.data!.coverage.villages.edges.map((e) => [e.node.village.code, e.node]));
      const kaiyang = features.filter((f) => String(f.props.code).startsWith('520121'));
      expect(kaiyang.length).toBeGreaterThan(40);
      const covered = kaiyang.filter((f) => f.props.covered === true).length;
      expect(covered).toBeGreaterThan(0);
      expect(covered).toBeLessThan(kaiyang.length); // both kinds, so the comparison means something
      for (const f of kaiyang) {
        const e = expected.get(f.props.code as string)!;
        expect({ code: f.props.code, covered: f.props.covered }).toEqual({ code: e.village.code, covered: e.covered });
        expect(f.props.nearestServicePointId).toBe(e.nearestServicePoint?.id);
        if (e.travelMinutes === null) expect(f.props.travelMinutes).toBeUndefined();
        else expect(f.props.travelMinutes as number).toBeCloseTo(e.travelMinutes, 1);
      }
    });

    it('serves a Sanming zoom-10 tile promptly (warm)', async () => {
      await tile('villages', sanming10);
      const started = performance.now();
      const res = await get(tilePath('villages', sanming10, '?mode=BICYCLE'));
      const ms = performance.now() - started;
      const features = decode(res, 'villages', sanming10);
      expect(features.length).toBeGreaterThan(50);
      expect(ms).toBeLessThan(2000);
    });
  });

  describe('service-points layer', () => {
    it('holds the points GraphQL servicePoints(near…) finds in the tile, with their kind, status and items', async () => {
      const features = await tile('service-points', seat11);
      const bounds = tileBounds(seat11);
      const center: [number, number] = [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2];
      const radius = turf.distance(center, [bounds[0], bounds[1]], { units: 'meters' }) * 1.1;
      const r = await t.execute<{
        servicePoints: { totalCount: number; edges: { node: { id: string; kind: string; status: string; longitude: number; latitude: number; items: { code: string }[] } }[] };
      }>(
        `query($lon: Float!, $lat: Float!, $r: Float!) { servicePoints(first: 500, filter: { near: { longitude: $lon, latitude: $lat, radiusMeters: $r } }) {
           totalCount edges { node { id kind status longitude latitude items { code } } } } }`,
        { lon: center[0], lat: center[1], r: radius },
      );
      expect(r.errors).toBeUndefined();
      const expected = r.data!.servicePoints.edges.map((e) => e.node).filter((p) => inBox([p.longitude, p.latitude], bounds));
      expect(expected.length).toBeGreaterThan(5);
      const inTile = features.filter((f) => inBox(pointOf(f), bounds));
      expect(inTile.map((f) => f.props.id).sort()).toEqual(expected.map((p) => p.id).sort());
      const byId = new Map(features.map((f) => [f.props.id, f]));
      for (const p of expected) {
        const f = byId.get(p.id)!;
        expect(f.type).toBe(1);
        expect(f.props).toMatchObject({ kind: p.kind, status: p.status });
        expect(String(f.props.items).split(',').filter(Boolean).sort()).toEqual(p.items.map((i) => i.code).sort());
        expect(Object.values(ServicePointKind)).toContain(f.props.kind);
      }
    });

    it('with item=, only the points offering it', async () => {
      const all = await tile('service-points', seat10);
      const some = await tile('service-points', seat10, '?item=CHRONIC_DISEASE_CERT');
      expect(some.length).toBeGreaterThan(0);
      expect(some.length).toBeLessThan(all.length);
      for (const f of some) expect(String(f.props.items).split(',')).toContain('CHRONIC_DISEASE_CERT');
    });
  });

  describe('coverage layer', () => {
    it('holds polygons that contain the covered villages and not the clearly uncovered ones', async () => {
      const query = '?item=CHRONIC_DISEASE_CERT&mode=BICYCLE&minutes=10';
      const polygons = await tile('coverage', seat10, query);
      expect(polygons.length).toBeGreaterThan(0);
      for (const p of polygons) {
        expect(p.type).toBe(3);
        expect(p.props).toMatchObject({ item: 'CHRONIC_DISEASE_CERT', mode: 'BICYCLE', minutes: 10, radiusMeters: expect.any(Number) });
      }
      const inside = (pt: number[]) => polygons.some((p) => turf.booleanPointInPolygon(pt, p.geometry as Polygon | MultiPolygon));
      const points = (await tile('villages', seat10, query)).filter((f) => inBox(pointOf(f), tileBounds(seat10)));
      const clearlyCovered = points.filter((f) => f.props.covered === true && (f.props.travelMinutes as number) < 9);
      const clearlyNot = points.filter((f) => f.props.covered === false && (f.props.travelMinutes as number) > 11);
      expect(clearlyCovered.length).toBeGreaterThan(0);
      expect(clearlyNot.length).toBeGreaterThan(0);
      for (const f of clearlyCovered) expect([f.props.code, inside(pointOf(f))]).toEqual([f.props.code, true]);
      for (const f of clearlyNot) expect([f.props.code, inside(pointOf(f))]).toEqual([f.props.code, false]);
    });
  });

  describe('areas layer', () => {
    it('holds the county and city boundaries with code, name and level, simplified at low zoom', async () => {
      for (const z of [4, 8]) {
        const address = lonLatToTile(...KAIYANG_SEAT, z);
        const features = await tile('areas', address);
        const kaiyang = features.find((f) => f.props.code === '520121');
        expect(kaiyang).toBeDefined();
        expect(kaiyang!.props).toMatchObject({ name: '开阳县', level: 'COUNTY' });
        expect(kaiyang!.type).toBe(3);
        expect(turf.booleanPointInPolygon(KAIYANG_SEAT, kaiyang!.geometry as Polygon | MultiPolygon)).toBe(true);
      }
      const sanming = await tile('areas', lonLatToTile(...SANMING_SEAT, 6));
      expect(sanming.map((f) => f.props.code)).toEqual(expect.arrayContaining(['3504', '350404']));
      const world = await get(tilePath('areas', { z: 0, x: 0, y: 0 }));
      expect(world.status).toBe(200);
      expect(world.body.length).toBeGreaterThan(0);
      expect(world.body.length).toBeLessThan(20_000);
    });
  });

  describe('roads layer', () => {
    interface EdgeRow {
      id: string;
      area_code: string;
      highway: string;
      oneway: number;
      name: string | null;
      length_m: number;
    }
    /** Edges of the seeded networks meeting a box, from the database. */
    const edgesIn = async ([w, s, e, n]: BBox): Promise<EdgeRow[]> =>
      t.db.dataSource.query(
        `SELECT id::text AS id, area_code, highway, oneway, name, length_m FROM road_edge WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY id`,
        [w, s, e, n],
      );

    it("a zoom-12 tile at Kaiyang's seat holds every edge meeting it, as lines with the database's attributes, and nothing beyond its buffer", async () => {
      const address = lonLatToTile(...KAIYANG_SEAT, 12);
      const bounds = tileBounds(address);
      const inside = await edgesIn(bounds);
      expect(inside.length).toBeGreaterThan(3);
      expect(new Set(inside.map((e) => e.highway)).size).toBeGreaterThan(1);
      const features = await tile('roads', address);
      const byId = new Map(features.map((f) => [String(f.props.id), f]));
      for (const e of inside) {
        const f = byId.get(e.id);
        expect(f).toBeDefined();
        expect(f!.type).toBe(2);
        expect(f!.props).toMatchObject({ network: e.area_code, highway: e.highway, oneway: Number(e.oneway), synthetic: true });
        if (e.name) expect(f!.props.name).toBe(e.name);
      }
      const bufLon = (bounds[2] - bounds[0]) * BUFFER_FRACTION * 2;
      const bufLat = (bounds[3] - bounds[1]) * BUFFER_FRACTION * 2;
      const near = new Set((await edgesIn([bounds[0] - bufLon, bounds[1] - bufLat, bounds[2] + bufLon, bounds[3] + bufLat])).map((e) => e.id));
      for (const f of features) expect(near.has(String(f.props.id))).toBe(true);
    });

    it('keeps the lower classes for the higher zooms: no residential streets, tracks or paths below zoom 11', async () => {
      const z9 = lonLatToTile(...KAIYANG_SEAT, 9);
      const all = await edgesIn(tileBounds(z9));
      const minor = all.filter((e) => ['residential', 'track', 'path'].includes(e.highway));
      expect(minor.length).toBeGreaterThan(0);
      const features = await tile('roads', z9);
      const ids = new Set(features.map((f) => String(f.props.id)));
      // geojson-vt leaves out lines shorter than its tolerance (3 of 4096 units, ~50 m at zoom 9 here): invisible.
      const tolerance = 3 * turf.distance([tileBounds(z9)[0], KAIYANG_SEAT[1]], [tileBounds(z9)[2], KAIYANG_SEAT[1]], { units: 'meters' }) / 4096;
      const shown = all.filter((e) => !minor.includes(e) && Number(e.length_m) > tolerance);
      expect(shown.length).toBeGreaterThan(20);
      for (const e of shown) expect([e.id, e.highway, ids.has(e.id)]).toEqual([e.id, e.highway, true]);
      for (const e of minor) expect([e.id, e.highway, ids.has(e.id)]).toEqual([e.id, e.highway, false]);
      expect(features.every((f) => !['residential', 'track', 'path'].includes(f.props.highway as string))).toBe(true);
    });

    it('is refused below zoom 6 and described by TileJSON', async () => {
      expect(await errorOf('/tiles/roads/5/25/13.mvt')).toMatchObject({ status: 400, code: 'BAD_USER_INPUT' });
      const res = await get('/tiles/roads.json');
      expect(res.status).toBe(200);
      const json = JSON.parse(res.body.toString('utf8')) as { vector_layers: { id: string; fields: Record<string, string> }[]; bounds: number[] };
      expect(json.vector_layers.map((l) => l.id)).toEqual(['roads']);
      expect(Object.keys(json.vector_layers[0].fields)).toEqual(expect.arrayContaining(['highway', 'oneway', 'synthetic', 'network']));
      expect(inBox(KAIYANG_SEAT, json.bounds as BBox)).toBe(true);
    });
  });

  it('an ocean tile is 200 with an empty body, in every layer', async () => {
    const ocean = lonLatToTile(...OCEAN, 10);
    for (const layer of ['villages', 'service-points', 'coverage', 'areas', 'roads']) {
      const res = await get(tilePath(layer, ocean));
      expect([layer, res.status, res.headers.get('content-type'), res.body.length]).toEqual([layer, 200, MVT, 0]);
      expect(res.headers.get('etag')).toBeTruthy();
    }
  });

  describe('caching', () => {
    const point: ServicePointInput = {
      id: 'TS-TEST-TILE',
      name: 'Tile test station',
      kind: ServicePointKind.TOWNSHIP_STATION,
      status: ServicePointStatus.ACTIVE,
      longitude: KAIYANG_SEAT[0],
      latitude: KAIYANG_SEAT[1],
      areaCode: '520121001',
      villageCode: null,
      address: null,
      phone: null,
      openingHours: null,
      locationSynthetic: true,
      itemCodes: ['CHRONIC_DISEASE_CERT'],
    };

    it('ETag is stable, answers If-None-Match with 304, and changes when the data changes', async () => {
      const path = tilePath('service-points', seat11);
      const a = await get(path);
      const b = await get(path);
      const etag = a.headers.get('etag')!;
      expect(etag).toMatch(/^"service-points-v\d+-[\w-]+"$/);
      expect(b.headers.get('etag')).toBe(etag);
      expect(a.headers.get('cache-control')).toBe('public, max-age=60');
      expect(b.body.equals(a.body)).toBe(true);

      const notModified = await get(path, { 'If-None-Match': etag });
      expect(notModified.status).toBe(304);
      expect(notModified.body.length).toBe(0);
      expect(notModified.headers.get('etag')).toBe(etag);
      expect((await get(path, { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304);
      expect((await get(path, { 'If-None-Match': '"other"' })).status).toBe(200);

      // Parameters are part of it (resolved: mode=EBIKE is the default); other layers and tiles differ.
      const villagesEtag = (await get(tilePath('villages', seat11))).headers.get('etag');
      expect((await get(tilePath('villages', seat11, '?mode=EBIKE&minutes=15'))).headers.get('etag')).toBe(villagesEtag);
      expect((await get(tilePath('villages', seat11, '?mode=WALK'))).headers.get('etag')).not.toBe(villagesEtag);
      expect((await get(tilePath('villages', seat11, '?crs=GCJ02'))).headers.get('etag')).not.toBe(villagesEtag);
      expect((await get(tilePath('villages', { ...seat11, x: seat11.x + 1 }))).headers.get('etag')).not.toBe(villagesEtag);

      const repo = new ServicePointRepository(t.db.dataSource);
      try {
        await t.db.dataSource.transaction((m) => repo.upsertMany(m, [point]));
        const added = await get(path, { 'If-None-Match': etag });
        expect(added.status).toBe(200);
        const addedEtag = added.headers.get('etag')!;
        expect(addedEtag).not.toBe(etag);
        expect(decode(added, 'service-points', seat11).map((f) => f.props.id)).toContain(point.id);
        expect((await get(tilePath('villages', seat11))).headers.get('etag')).not.toBe(villagesEtag);
        expect((await get(path, { 'If-None-Match': addedEtag })).status).toBe(304);
      } finally {
        await t.db.dataSource.query(`DELETE FROM service_point WHERE id = $1`, [point.id]);
      }
      const removed = await get(path);
      expect(removed.headers.get('etag')).not.toBe(etag);
      expect(decode(removed, 'service-points', seat11).map((f) => f.props.id)).not.toContain(point.id);
    });
  });

  describe('crs', () => {
    it.each([
      ['GCJ02', 300, 700],
      ['BD09', 700, 1600],
    ] as const)('crs=%s shifts the features (%i–%i m from WGS-84 here), as gcoord does', async (crs, min, max) => {
      const wgs = await tile('villages', seat11);
      const shifted = await tile('villages', seat11, `?crs=${crs}`);
      const unit = tileUnitDegrees(seat11);
      const wgsByCode = new Map(wgs.map((f) => [f.props.code, pointOf(f)]));
      let compared = 0;
      for (const f of shifted) {
        const db = villages.get(f.props.code as string)!;
        const expected = convertPosition([db.lon, db.lat], 'WGS84', crs);
        const [lon, lat] = pointOf(f);
        expect(Math.abs(lon - expected[0])).toBeLessThanOrEqual(unit.longitude);
        expect(Math.abs(lat - expected[1])).toBeLessThanOrEqual(unit.latitude);
        const original = wgsByCode.get(f.props.code);
        if (!original) continue;
        const d = turf.distance(original, [lon, lat], { units: 'meters' });
        expect(d).toBeGreaterThan(min);
        expect(d).toBeLessThan(max);
        compared++;
      }
      expect(compared).toBeGreaterThan(5);
    });
  });

  describe('TileJSON', () => {
    it.each(['villages', 'service-points', 'coverage', 'areas', 'roads'])('/tiles/%s.json is TileJSON 3.0.0 with sane bounds and a working URL template', async (layer) => {
      const res = await get(`/tiles/${layer}.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const tj = JSON.parse(res.body.toString('utf8'));
      expect(tj).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', tiles: [`${baseUrl}/tiles/${layer}/{z}/{x}/{y}.mvt`] });
      expect(tj.attribution).toMatch(/synthetic/);
      expect(tj.name).toEqual(expect.any(String));
      expect(tj.description).toEqual(expect.any(String));
      expect(tj.minzoom).toBeLessThanOrEqual(tj.maxzoom);
      const [w, s, e, n] = tj.bounds as BBox;
      expect(w).toBeLessThan(e);
      expect(s).toBeLessThan(n);
      // The seed: Kaiyang (~106.7–107.3°E) to Sanming (~116.4–118.1°E), 25.5–27.4°N; all inside China.
      expect(inBox([w, s], [73, 18, 135, 54])).toBe(true);
      expect(inBox([e, n], [73, 18, 135, 54])).toBe(true);
      expect(inBox(KAIYANG_SEAT, tj.bounds)).toBe(true);
      expect(inBox(SANMING_SEAT, tj.bounds)).toBe(true);
      expect(inBox(tj.center.slice(0, 2), tj.bounds)).toBe(true);
      expect(tj.center[2]).toBeGreaterThanOrEqual(tj.minzoom);
      expect(tj.center[2]).toBeLessThanOrEqual(tj.maxzoom);
      expect(tj.vector_layers).toEqual([{ id: layer, description: expect.any(String), fields: expect.any(Object), minzoom: tj.minzoom, maxzoom: tj.maxzoom }]);

      // The template works, and every property in a tile is a declared field.
      const address = lonLatToTile(...KAIYANG_SEAT, Math.max(tj.minzoom, 10));
      const url = (tj.tiles[0] as string).replace('{z}', String(address.z)).replace('{x}', String(address.x)).replace('{y}', String(address.y));
      const tileRes = await fetch(url);
      const features = decode({ status: tileRes.status, headers: tileRes.headers, body: Buffer.from(await tileRes.arrayBuffer()) }, layer, address);
      expect(features.length).toBeGreaterThan(0);
      for (const f of features) for (const key of Object.keys(f.props)) expect(Object.keys(tj.vector_layers[0].fields)).toContain(key);
    });

    it('keeps the query string in the tile URL, and gives bounds in the requested crs', async () => {
      const tj = JSON.parse((await get('/tiles/villages.json?item=CHRONIC_DISEASE_CERT&mode=walk&minutes=10&crs=GCJ02&unrelated=1')).body.toString('utf8'));
      expect(tj.tiles).toEqual([`${baseUrl}/tiles/villages/{z}/{x}/{y}.mvt?item=CHRONIC_DISEASE_CERT&mode=WALK&minutes=10&crs=GCJ02`]);
      expect(tj.crs).toBe('GCJ02');
      const plain = JSON.parse((await get('/tiles/villages.json')).body.toString('utf8'));
      expect(tj.bounds[0]).not.toBe(plain.bounds[0]);
      expect(Math.abs(tj.bounds[0] - plain.bounds[0])).toBeLessThan(0.02);
      const areas = JSON.parse((await get('/tiles/areas.json?item=CHRONIC_DISEASE_CERT&crs=BD09')).body.toString('utf8'));
      expect(areas.tiles[0]).toMatch(/\/tiles\/areas\/\{z\}\/\{x\}\/\{y\}\.mvt\?crs=BD09$/);
    });
  });

  describe('bad requests', () => {
    it.each([
      ['/tiles/villages/23/0/0.mvt', 400, 'BAD_USER_INPUT', /0 to 22/],
      ['/tiles/villages/-1/0/0.mvt', 400, 'BAD_USER_INPUT', /0 to 22/],
      ['/tiles/villages/10/1024/431.mvt', 400, 'BAD_USER_INPUT', /x must be an integer from 0 to 1023/],
      ['/tiles/villages/10/816/1024.mvt', 400, 'BAD_USER_INPUT', /y must be an integer from 0 to 1023/],
      ['/tiles/villages/10/816.5/431.mvt', 400, 'BAD_USER_INPUT', /x must be an integer/],
      ['/tiles/villages/ten/816/431.mvt', 400, 'BAD_USER_INPUT', /integer/],
      ['/tiles/villages/10/816/431.5.mvt', 400, 'BAD_USER_INPUT', /y must be an integer/],
      ['/tiles/villages/10/816/431.mvt?mode=PLANE', 400, 'BAD_USER_INPUT', /mode must be one of WALK, BICYCLE, EBIKE, CAR/],
      ['/tiles/villages/10/816/431.mvt?mode=WALK&mode=CAR', 400, 'BAD_USER_INPUT', /once/],
      ['/tiles/villages/10/816/431.mvt?minutes=0', 400, 'BAD_USER_INPUT', /1 to 120/],
      ['/tiles/coverage/10/816/431.mvt?minutes=121', 400, 'BAD_USER_INPUT', /1 to 120/],
      ['/tiles/villages/10/816/431.mvt?minutes=soon', 400, 'BAD_USER_INPUT', /1 to 120/],
      ['/tiles/villages/10/816/431.mvt?crs=EPSG3857', 400, 'BAD_USER_INPUT', /GCJ02/],
      ['/tiles/villages/10/816/431.mvt?item=chronic', 400, 'BAD_USER_INPUT', /service-item code/],
      ['/tiles/villages/10/816/431.mvt?travelModel=BUS', 400, 'BAD_USER_INPUT', /travelModel/],
      ['/tiles/villages/5/25/13.mvt', 400, 'BAD_USER_INPUT', /zoom 6.*Zoom in/],
      ['/tiles/coverage/3/6/3.mvt', 400, 'BAD_USER_INPUT', /Zoom in/],
      ['/tiles/villages/10/816/431.mvt?item=NO_SUCH_ITEM', 404, 'NOT_FOUND', /NO_SUCH_ITEM/],
      ['/tiles/coverage/10/816/431.mvt?item=NO_SUCH_ITEM', 404, 'NOT_FOUND', /NO_SUCH_ITEM/],
      ['/tiles/rivers/10/816/431.mvt', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/villages/10/816/431.png', 404, 'NOT_FOUND', /\.mvt/],
      ['/tiles/rivers.json', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/villages.json?mode=PLANE', 400, 'BAD_USER_INPUT', /mode must be/],
      ['/tiles/villages.json?item=NO_SUCH_ITEM', 404, 'NOT_FOUND', /NO_SUCH_ITEM/],
      ['/tiles/villages/10/816', 404, 'NOT_FOUND', /\/tiles\/\{layer\}/],
      // Names of Object.prototype are no layers (no lookups on plain objects).
      ['/tiles/__proto__/10/816/431.mvt', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/constructor/10/816/431.mvt', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/constructor.json', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/__proto__.json', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/hasOwnProperty.json', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
      ['/tiles/toString/10/816/431.mvt', 404, 'NOT_FOUND', /villages, service-points, coverage, areas, roads/],
    ])('%s → %i %s', async (path, status, code, message) => {
      const err = await errorOf(path);
      expect(err).toEqual({ status, code, message: expect.stringMatching(message) });
      expect(err.message).not.toMatch(/\[object Object\]|role/);
    });

    it('the server goes on serving after all that', async () => {
      const res = await get(tilePath('villages', seat11));
      expect(decode(res, 'villages', seat11).length).toBeGreaterThan(0);
      expect((await get('/healthz')).status).toBe(200);
    });
  });
});
