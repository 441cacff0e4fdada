import type { FeatureCollection } from 'geojson';
import { Role } from '../../src/common/role.enum';
import type { Viewer } from '../../src/common/viewer';
import { CoordinateSystem } from '../../src/graphql/scalars/coordinate-system.enum';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'ogc planning test', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const ITEM = 'CHRONIC_DISEASE_CERT';
const BOX = { type: 'Polygon' as const, coordinates: [[[106.9, 27.0], [107.03, 27.0], [107.03, 27.11], [106.9, 27.11], [106.9, 27.0]]] };

/** The planning-areas collection, and planning-area codes in the coverage-gaps collection, over real HTTP. */
describe('OGC API - Features: planning areas (e2e)', () => {
  let t: TestApp;
  let ogc: string;
  const get = async <T>(path: string) => {
    const res = await fetch(`${ogc}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    const { url } = await t.app.listen(0, '127.0.0.1');
    ogc = `${url}/ogc`;
    const caller = { viewer: PLANNER, actor: { keyId: null, name: PLANNER.name, requestId: null } };
    await t.app.services.planningAreas.create({ code: 'OGC_BOX', name: '县城周边', polygon: BOX, crs: CoordinateSystem.WGS84 }, caller);
    await t.app.services.planningAreas.create({ code: 'OGC_TOWNS', name: 'Two townships', memberCodes: ['520121001', '520121002'], crs: CoordinateSystem.WGS84 }, caller);
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM planning_area WHERE code LIKE 'OGC\\_%'`);
    await t.close();
  });

  it('lists the planning areas with their polygon (members areas without geometry), their villages and people', async () => {
    const r = await get<FeatureCollection & { numberMatched: number }>('/collections/planning-areas/items');
    expect(r.status).toBe(200);
    const byId = new Map(r.body.features.map((f) => [f.id, f]));
    const [stats] = (await t.db.dataSource.query(
      `SELECT count(*)::int AS n, sum(population)::int AS people FROM village v WHERE ST_Intersects(ST_GeomFromGeoJSON($1), v.location::geometry)`,
      [JSON.stringify(BOX)],
    )) as { n: number; people: number }[];
    expect(byId.get('OGC_BOX')).toMatchObject({ geometry: { type: 'MultiPolygon' }, properties: { name: '县城周边', villageCount: stats!.n, population: stats!.people, memberCodes: null } });
    expect(byId.get('OGC_TOWNS')).toMatchObject({ geometry: null, properties: { memberCodes: '520121001,520121002' } });
    // A bbox keeps the polygon areas that meet it.
    const far = await get<FeatureCollection>('/collections/planning-areas/items?bbox=100,30,101,31');
    expect(far.body.features.map((f) => f.id)).not.toContain('OGC_BOX');
    const near = await get<FeatureCollection>('/collections/planning-areas/items?bbox=106.95,27.05,106.96,27.06');
    expect(near.body.features.map((f) => f.id)).toEqual(['OGC_BOX']);
    expect((await get('/collections/planning-areas/items/OGC_BOX')).status).toBe(200);
    expect((await get('/collections/planning-areas/items/OGC_NOSUCH')).status).toBe(404);
  });

  it("takes a planning area's code in coverage-gaps: GraphQL's coverageGaps of that area", async () => {
    const r = await get<FeatureCollection & { numberMatched: number }>(`/collections/coverage-gaps/items?areaCode=OGC_TOWNS&item=${ITEM}&mode=WALK&minutes=15&limit=500`);
    expect(r.status).toBe(200);
    const g = await t.execute<{ coverageGaps: { villages: { village: { code: string } }[] } }>(
      `{ coverageGaps(areaCode: "OGC_TOWNS", itemCode: "${ITEM}", mode: WALK, minutes: 15, first: 500) { villages { village { code } } } }`,
      undefined,
      PLANNER,
    );
    expect(g.errors).toBeUndefined();
    expect(g.data!.coverageGaps.villages.length).toBeGreaterThan(0);
    expect(r.body.features.map((f) => f.id)).toEqual(g.data!.coverageGaps.villages.map((v) => v.village.code));
    for (const f of r.body.features) expect(String(f.id).slice(0, 9)).toMatch(/^52012100[12]$/);
    expect((await get(`/collections/coverage-gaps/items?areaCode=OGC_NOSUCH&item=${ITEM}`)).status).toBe(400);
  });
});
