import { check } from '@placemarkio/check-geojson';
import type { Feature, Geometry } from 'geojson';
import { Role } from '../../src/common/role.enum';
import { OGC_COLLECTIONS } from '../../src/ogc/ogc-collections';
import { CLI_ACTOR } from '../../src/write/actor';
import { postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * OGC API - Features at /ogc over real HTTP, on the embedded database and on a PostgreSQL server alike: every route,
 * paging by `next` links to the end, bounding boxes, property filters, the coverage gaps against GraphQL's
 * coverageGaps (figures and provenance), errors (400 for unknown or bad parameters, 404 for unknown collections and
 * features), and keys and roles as GraphQL has them.
 */

const GEOJSON = 'application/geo+json';
const KAIYANG = '520121';
const ITEM = 'CHRONIC_DISEASE_CERT';

interface Link {
  href: string;
  rel: string;
  type: string;
}

interface FeatureCollection {
  type: 'FeatureCollection';
  features: (Feature<Geometry | null> & { id: string })[];
  links: Link[];
  timeStamp: string;
  numberMatched: number;
  numberReturned: number;
  dataVersion: string;
  coverage?: { areaCode: string; uncoveredVillageCount: number; uncoveredPopulation: number; provenance: Record<string, unknown> }[];
}

interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function get<T = Record<string, unknown>>(url: string, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** The one error of an answer: status, code and message (which says what is wrong, without a stack). */
function errorOf(answer: Answer): { status: number; code: string; message: string } {
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  const errors = (answer.body as { errors: { message: string; extensions: { code: string } }[] }).errors;
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).not.toMatch(/\n\s+at /);
  return { status: answer.status, code: errors[0]!.extensions.code, message: errors[0]!.message };
}

const linkOf = (links: Link[], rel: string) => links.find((l) => l.rel === rel);

describe('OGC API - Features at /ogc (e2e)', () => {
  let t: TestApp;
  let base: string;
  let ogc: string;
  let version: string;

  const items = (collection: string, query = '') => get<FeatureCollection>(`${ogc}/collections/${collection}/items${query ? `?${query}` : ''}`);

  /** Every feature of a request, following `next` links to the end; checks each page on the way. */
  async function allPages(first: string): Promise<{ features: FeatureCollection['features']; pages: number; matched: number }> {
    const features: FeatureCollection['features'] = [];
    let url: string | undefined = first;
    let pages = 0;
    let matched = -1;
    while (url) {
      const page: Answer<FeatureCollection> = await get<FeatureCollection>(url);
      expect(page.status).toBe(200);
      expect(page.body.numberReturned).toBe(page.body.features.length);
      if (matched >= 0) expect(page.body.numberMatched).toBe(matched);
      matched = page.body.numberMatched;
      features.push(...page.body.features);
      pages++;
      url = linkOf(page.body.links, 'next')?.href;
      expect(pages).toBeLessThan(100);
    }
    return { features, pages, matched };
  }

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: base } = await t.app.listen(0, '127.0.0.1'));
    ogc = `${base}/ogc`;
    [{ version }] = await t.db.dataSource.query('SELECT version::text AS version FROM data_version');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('the landing page, conformance, API description and collections', () => {
    it('GET /ogc links the API description (OpenAPI 3.0), the conformance classes and the collections', async () => {
      const r = await get<{ title: string; links: Link[] }>(ogc);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.body.title).toBe('Service Circle');
      const rels = Object.fromEntries(r.body.links.map((l) => [l.rel, l]));
      expect(rels.self).toEqual(expect.objectContaining({ href: ogc, type: 'application/json' }));
      expect(rels['service-desc']).toEqual(expect.objectContaining({ href: `${ogc}/api`, type: 'application/vnd.oai.openapi+json;version=3.0' }));
      expect(rels.conformance).toEqual(expect.objectContaining({ href: `${ogc}/conformance`, type: 'application/json' }));
      expect(rels.data).toEqual(expect.objectContaining({ href: `${ogc}/collections`, type: 'application/json' }));
      // A trailing slash and f=json are the same page.
      expect((await get(`${ogc}/?f=json`)).body).toEqual(r.body);
    });

    it('GET /ogc/conformance declares Core, OpenAPI 3.0 and GeoJSON', async () => {
      const r = await get<{ conformsTo: string[] }>(`${ogc}/conformance`);
      expect(r.status).toBe(200);
      expect(r.body.conformsTo).toEqual([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
      ]);
    });

    it('GET /ogc/api is the OpenAPI 3.0 document with a path per collection, its server this origin', async () => {
      const r = await get<{ openapi: string; servers: { url: string }[]; paths: Record<string, unknown> }>(`${ogc}/api`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.0/);
      expect(r.body.openapi).toBe('3.0.3');
      expect(r.body.servers).toEqual([{ url: ogc }]);
      for (const c of OGC_COLLECTIONS) {
        for (const p of [`/collections/${c.id}`, `/collections/${c.id}/items`, `/collections/${c.id}/items/{featureId}`]) expect(r.body.paths[p]).toBeDefined();
      }
      // Asked for plain JSON, it answers in it.
      expect((await get(`${ogc}/api`, { accept: 'application/json' })).headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('GET /ogc/collections lists every collection with its items link, extent (CRS84) and the data version', async () => {
      const r = await get<{ collections: { id: string; links: Link[]; extent: { spatial: { bbox: number[][]; crs: string } }; itemType: string; crs: string[] }[]; dataVersion: string }>(
        `${ogc}/collections`,
      );
      expect(r.status).toBe(200);
      expect(r.headers.get('data-version')).toBe(version);
      expect(r.body.dataVersion).toBe(version);
      expect(r.body.collections.map((c) => c.id)).toEqual(['service-points', 'villages', 'areas', 'planning-areas', 'coverage-gaps']);
      const [extent] = (await t.db.dataSource.query(
        'SELECT ST_XMin(e) AS w, ST_YMin(e) AS s, ST_XMax(e) AS e, ST_YMax(e) AS n FROM (SELECT ST_Extent(location::geometry)::geometry AS e FROM village) x',
      )) as { w: number; s: number; e: number; n: number }[];
      for (const c of r.body.collections) {
        expect(c.itemType).toBe('feature');
        expect(c.crs).toEqual(['http://www.opengis.net/def/crs/OGC/1.3/CRS84']);
        expect(c.extent.spatial.crs).toBe('http://www.opengis.net/def/crs/OGC/1.3/CRS84');
        const [w, s, e, n] = c.extent.spatial.bbox[0]!;
        expect(w! > 73 && e! < 136 && s! > 3 && n! < 54 && w! < e! && s! < n!).toBe(true); // in China
        expect(linkOf(c.links, 'items')).toEqual(expect.objectContaining({ href: `${ogc}/collections/${c.id}/items`, type: GEOJSON }));
        expect(linkOf(c.links, 'self')!.href).toBe(`${ogc}/collections/${c.id}`);
        if (c.id === 'villages') expect(c.extent.spatial.bbox[0]!.map((v) => Math.round(v * 1e5))).toEqual([extent!.w, extent!.s, extent!.e, extent!.n].map((v) => Math.round(Number(v) * 1e5)));
      }
    });

    it('GET /ogc/collections/{id} describes one, and carries its own query parameters into the items link', async () => {
      const r = await get<{ id: string; links: Link[] }>(`${ogc}/collections/villages?countyCode=${KAIYANG}`);
      expect(r.status).toBe(200);
      expect(r.body.id).toBe('villages');
      expect(linkOf(r.body.links, 'items')!.href).toBe(`${ogc}/collections/villages/items?countyCode=${KAIYANG}`);
      expect(r.headers.get('data-version')).toBe(version);
    });
  });

  describe('items', () => {
    it('a first page: a GeoJSON FeatureCollection with numberMatched, numberReturned, timeStamp, self and next links, default limit 20', async () => {
      const r = await items('villages');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/geo\+json/);
      expect(r.headers.get('data-version')).toBe(version);
      const [{ n }] = await t.db.dataSource.query('SELECT count(*)::int AS n FROM village');
      expect(r.body).toEqual(
        expect.objectContaining({ type: 'FeatureCollection', numberMatched: n, numberReturned: 20, dataVersion: version }),
      );
      expect(Date.now() - Date.parse(r.body.timeStamp)).toBeLessThan(60_000);
      expect(linkOf(r.body.links, 'self')!.href).toBe(`${ogc}/collections/villages/items?limit=20`);
      expect(linkOf(r.body.links, 'collection')!.href).toBe(`${ogc}/collections/villages`);
      expect(linkOf(r.body.links, 'next')).toEqual(expect.objectContaining({ type: GEOJSON, href: expect.stringMatching(/\/items\?limit=20&cursor=[A-Za-z0-9_-]+$/) }));
      // Valid GeoJSON (RFC 7946) once the API's own members are set aside.
      const { features } = r.body;
      expect(() => check(JSON.stringify({ type: 'FeatureCollection', features }))).not.toThrow();
    });

    it.each([
      ['villages', '', 'SELECT code AS id FROM village ORDER BY code'],
      ['villages', `countyCode=${KAIYANG}`, `SELECT code AS id FROM village WHERE county_code = '${KAIYANG}' ORDER BY code`],
      ['service-points', '', 'SELECT id FROM service_point ORDER BY id'],
      ['service-points', `areaCode=${KAIYANG}&kind=TOWNSHIP_STATION,COUNTY_HALL`, `SELECT id FROM service_point WHERE area_code LIKE '${KAIYANG}%' AND kind IN ('TOWNSHIP_STATION', 'COUNTY_HALL') ORDER BY id`],
      ['areas', '', 'SELECT code AS id FROM area ORDER BY code'],
    ])('following next links through %s (%s) returns every feature once, in id order, as many as numberMatched', async (collection, filter, sql) => {
      const expected = ((await t.db.dataSource.query(sql)) as { id: string }[]).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(10);
      const limit = collection === 'areas' ? 40 : 500;
      const { features, pages, matched } = await allPages(`${ogc}/collections/${collection}/items?${filter ? `${filter}&` : ''}limit=${limit}`);
      expect(matched).toBe(expected.length);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      expect(features.map((f) => f.id)).toEqual(expected);
    });

    it("Kaiyang's 136 villages carry what GraphQL says of them, at the database's coordinates", async () => {
      const { features } = await allPages(`${ogc}/collections/villages/items?areaCode=${KAIYANG}&limit=50`);
      expect(features).toHaveLength(136);
      const r = await t.execute<{ villages: { edges: { node: { code: string; name: string; population: number; locationSynthetic: boolean; longitude: number; latitude: number } }[] } }>(
        `{ villages(filter: { areaCode: "${KAIYANG}" }, first: 500) { edges { node { code name population locationSynthetic longitude latitude } } } }`,
      );
      expect(r.errors).toBeUndefined();
      const graphql = r.data!.villages.edges.map((e) => e.node);
      expect(features.map((f) => f.id)).toEqual(graphql.map((v) => v.code));
      features.forEach((f, i) => {
        const v = graphql[i]!;
        expect(f.properties).toEqual({ code: v.code, name: v.name, townshipCode: v.code.slice(0, 9), countyCode: KAIYANG, population: v.population, locationSynthetic: v.locationSynthetic });
        expect(f.geometry!.type).toBe('Point');
        const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates;
        expect(lon).toBeCloseTo(v.longitude, 7);
        expect(lat).toBeCloseTo(v.latitude, 7);
      });
    });

    it('service points carry their kind, status, items and details as GraphQL has them', async () => {
      const r = await items('service-points', `areaCode=${KAIYANG}&limit=500`);
      const g = await t.execute<{ servicePoints: { edges: { node: { id: string; kind: string; status: string; phone: string | null; items: { code: string }[] } }[] } }>(
        `{ servicePoints(filter: { areaCode: "${KAIYANG}" }, first: 500) { edges { node { id kind status phone items { code } } } } }`,
      );
      const byId = new Map(g.data!.servicePoints.edges.map((e) => [e.node.id, e.node]));
      expect(r.body.numberMatched).toBe(byId.size);
      expect(r.body.numberMatched).toBe(182); // the county's report
      for (const f of r.body.features) {
        const p = byId.get(f.id)!;
        expect(f.properties).toEqual(expect.objectContaining({ id: p.id, kind: p.kind, status: p.status, phone: p.phone, itemCodes: p.items.map((i) => i.code) }));
        expect(Object.keys(f.properties!)).toEqual(Object.keys(OGC_COLLECTIONS[0]!.properties));
      }
    });

    it('filters: status, item offered, village; areas by level and parent (townships without a geometry)', async () => {
      const [{ n: active }] = await t.db.dataSource.query(`SELECT count(*)::int AS n FROM service_point WHERE status = 'ACTIVE'`);
      expect((await items('service-points', 'status=ACTIVE&limit=1')).body.numberMatched).toBe(active);
      const planned = await items('service-points', 'status=planned,closed&limit=500');
      expect(planned.body.numberMatched).toBe(5); // Sanming's 3 planned and 2 closed
      expect(new Set(planned.body.features.map((f) => f.properties!.status))).toEqual(new Set(['PLANNED', 'CLOSED']));
      const offering = await items('service-points', `item=${ITEM}&areaCode=${KAIYANG}&limit=500`);
      expect(offering.body.features.every((f) => (f.properties!.itemCodes as string[]).includes(ITEM))).toBe(true);
      expect(offering.body.numberMatched).toBeGreaterThan(18);
      const village = await items('service-points', 'villageCode=520121101002');
      expect(village.body.features.map((f) => f.id)).toEqual(['VP-520121101002']);

      const counties = await items('areas', 'level=COUNTY&limit=100');
      expect(counties.body.numberMatched).toBe(12); // Kaiyang and Sanming's 11
      expect(counties.body.features.every((f) => f.geometry?.type === 'MultiPolygon')).toBe(true);
      expect(() => check(JSON.stringify({ type: 'FeatureCollection', features: counties.body.features }))).not.toThrow();
      const kaiyang = counties.body.features.find((f) => f.id === KAIYANG)!;
      expect(kaiyang.properties).toEqual({ code: KAIYANG, name: '开阳县', level: 'COUNTY', parentCode: '5201', villageCount: 136, population: 376320 });
      const townships = await items('areas', `parentCode=${KAIYANG}&limit=100`);
      expect(townships.body.numberMatched).toBe(18);
      expect(townships.body.features.every((f) => f.geometry === null && f.properties!.level === 'TOWNSHIP')).toBe(true);
      expect((await items('areas', `areaCode=${KAIYANG}&limit=100`)).body.numberMatched).toBe(19);
    });

    it('bbox: exactly the features inside the box (CRS84), paged, with 4 or 6 numbers', async () => {
      const box = [106.9, 27.0, 107.05, 27.12];
      const expected = ((await t.db.dataSource.query(
        'SELECT code FROM village WHERE ST_Intersects(location::geometry, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY code',
        box,
      )) as { code: string }[]).map((r) => r.code);
      expect(expected.length).toBeGreaterThan(5);
      const { features, matched } = await allPages(`${ogc}/collections/villages/items?bbox=${box.join(',')}&limit=7`);
      expect(matched).toBe(expected.length);
      expect(features.map((f) => f.id)).toEqual(expected);
      for (const f of features) {
        const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates;
        expect(lon! >= box[0]! && lon! <= box[2]! && lat! >= box[1]! && lat! <= box[3]!).toBe(true);
      }
      const six = await items('villages', `bbox=${box[0]},${box[1]},0,${box[2]},${box[3]},100&limit=500`);
      expect(six.body.features.map((f) => f.id)).toEqual(expected);
      expect(linkOf(six.body.links, 'self')!.href).toContain(`bbox=${encodeURIComponent(`${box[0]},${box[1]},0,${box[2]},${box[3]},100`)}`);
      // Points and boundaries too: the county seat's points, and the areas whose boundary meets the box.
      const points = await items('service-points', `bbox=${box.join(',')}&limit=500`);
      expect(points.body.features.map((f) => f.id)).toContain('CH-520121');
      const areas = await items('areas', `bbox=${box.join(',')}`);
      const meeting = ((await t.db.dataSource.query(
        'SELECT code FROM area WHERE ST_Intersects(boundary, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY code',
        box,
      )) as { code: string }[]).map((r) => r.code);
      expect(meeting).toContain(KAIYANG);
      expect(areas.body.features.map((f) => f.id)).toEqual(meeting);
      // Nothing in the sea.
      expect((await items('villages', 'bbox=125,20,126,21')).body).toEqual(expect.objectContaining({ numberMatched: 0, numberReturned: 0, features: [] }));
    });

    it('a limit above the maximum is taken as the maximum (500; areas 100)', async () => {
      const r = await items('villages', 'limit=100000');
      expect(r.status).toBe(200);
      expect(r.body.numberReturned).toBe(500);
      expect(linkOf(r.body.links, 'self')!.href).toBe(`${ogc}/collections/villages/items?limit=500`);
      expect((await items('areas', 'limit=1000')).body.numberReturned).toBe(100);
    });

    it('a single feature, with its links; 404 for an unknown or malformed id, or one outside the filter', async () => {
      const village = await get<Feature & { links: Link[]; dataVersion: string }>(`${ogc}/collections/villages/items/520121101002`);
      expect(village.status).toBe(200);
      expect(village.headers.get('content-type')).toMatch(/^application\/geo\+json/);
      expect(village.body).toEqual(expect.objectContaining({ type: 'Feature', id: '520121101002', dataVersion: version }));
      expect(village.body.properties).toEqual(expect.objectContaining({ name: '双永社区', countyCode: KAIYANG }));
      expect(linkOf(village.body.links, 'self')!.href).toBe(`${ogc}/collections/villages/items/520121101002`);
      expect(linkOf(village.body.links, 'collection')!.href).toBe(`${ogc}/collections/villages`);
      const page = await items('villages', 'villageCode=x'.replace('villageCode=x', `townshipCode=520121101&limit=500`));
      expect(page.body.features.find((f) => f.id === '520121101002')!.properties).toEqual(village.body.properties);

      const point = await get<Feature>(`${ogc}/collections/service-points/items/CH-520121`);
      expect(point.body.properties).toEqual(expect.objectContaining({ kind: 'COUNTY_HALL', villageCode: null }));
      const township = await get<Feature>(`${ogc}/collections/areas/items/520121001`);
      expect(township.body.geometry).toBeNull();
      expect((await get<Feature>(`${ogc}/collections/areas/items/${KAIYANG}`)).body.geometry!.type).toBe('MultiPolygon');

      for (const path of ['villages/items/520121999999', 'villages/items/not-a-code', 'service-points/items/XX-1', 'areas/items/99', 'villages/items/520121101002?countyCode=350404']) {
        expect(errorOf(await get(`${ogc}/collections/${path}`))).toEqual(expect.objectContaining({ status: 404, code: 'NOT_FOUND' }));
      }
      expect((await get(`${ogc}/collections/villages/items/520121101002?countyCode=${KAIYANG}`)).status).toBe(200);
    });
  });

  describe('coverage gaps', () => {
    const gapsQuery = `areaCode=${KAIYANG}&item=${ITEM}&mode=EBIKE&minutes=15`;

    it("are GraphQL's coverageGaps: the same villages in the same order, figures, nearest points and provenance", async () => {
      const { features, matched, pages } = await allPages(`${ogc}/collections/coverage-gaps/items?${gapsQuery}&limit=10`);
      expect(matched).toBe(46); // README: 46 villages, 107,770 people
      expect(pages).toBe(5);
      const r = await t.execute<{
        coverageGaps: {
          uncoveredVillageCount: number;
          uncoveredPopulation: number;
          villages: { village: { code: string; name: string; population: number }; nearestServicePoint: { id: string; name: string } | null; distanceMeters: number | null; travelMinutes: number | null; offRoadNetwork: boolean | null }[];
          provenance: { travelModel: string; method: string; mode: string; minutes: number; dataVersion: string };
        };
      }>(
        `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, first: 500) {
            uncoveredVillageCount uncoveredPopulation
            villages { village { code name population } nearestServicePoint { id name } distanceMeters travelMinutes offRoadNetwork }
            provenance { travelModel method mode minutes dataVersion } } }`,
      );
      expect(r.errors).toBeUndefined();
      const g = r.data!.coverageGaps;
      expect(features.map((f) => f.id)).toEqual(g.villages.map((v) => v.village.code));
      features.forEach((f, i) => {
        const v = g.villages[i]!;
        expect(f.properties).toEqual({
          code: v.village.code,
          name: v.village.name,
          townshipCode: v.village.code.slice(0, 9),
          countyCode: KAIYANG,
          population: v.village.population,
          nearestServicePointId: v.nearestServicePoint?.id ?? null,
          nearestServicePointName: v.nearestServicePoint?.name ?? null,
          distanceMeters: v.distanceMeters,
          travelMinutes: v.travelMinutes,
          offRoadNetwork: v.offRoadNetwork,
          itemCode: ITEM,
          mode: g.provenance.mode,
          minutes: g.provenance.minutes,
          travelModel: g.provenance.travelModel,
          method: g.provenance.method,
          handling: 'IN_PERSON',
          dataVersion: g.provenance.dataVersion,
          scenario: null,
        });
      });
      expect(features[0]!.properties).toEqual(expect.objectContaining({ name: '龙广村', population: 4309, nearestServicePointName: '南江布依族苗族乡卫生院医疗保障服务站' }));
      const page = await items('coverage-gaps', gapsQuery);
      expect(page.body.coverage).toEqual([
        expect.objectContaining({ areaCode: KAIYANG, uncoveredVillageCount: g.uncoveredVillageCount, uncoveredPopulation: g.uncoveredPopulation, provenance: expect.objectContaining(g.provenance) }),
      ]);
      expect(g.uncoveredPopulation).toBe(107770);
    });

    it('take the ways of handling (handling=IN_PERSON,ONLINE), as GraphQL\'s coverageGaps(handling) counts them', async () => {
      // An online channel for the item in the township of the largest gap: its villages are covered ONLINE.
      const township = '520121200';
      await t.db.dataSource.query(
        `INSERT INTO handling_rule (area_code, item_code, online_channels, author_name) VALUES ($1, $2, '[{"kind":"TELEPHONE","name":"12393","access":"12393","note":null}]', 'test')`,
        [township, ITEM],
      );
      try {
        const online = await allPages(`${ogc}/collections/coverage-gaps/items?${gapsQuery}&handling=IN_PERSON,ONLINE&limit=100`);
        const g = await t.execute<{ coverageGaps: { villages: { village: { code: string } }[] } }>(
          `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, handling: [IN_PERSON, ONLINE], first: 100) { villages { village { code } } } }`,
        );
        expect(online.features.map((f) => f.id)).toEqual(g.data!.coverageGaps.villages.map((v) => v.village.code));
        expect(online.matched).toBeLessThan(46);
        expect(online.features.every((f) => !String(f.id).startsWith(township) && f.properties!.handling === 'IN_PERSON,ONLINE')).toBe(true);
        expect(errorOf(await get(`${ogc}/collections/coverage-gaps/items?${gapsQuery}&handling=BY_POST`)).status).toBe(400);
        expect(errorOf(await get(`${ogc}/collections/coverage-gaps/items?areaCode=${KAIYANG}&handling=ONLINE`)).status).toBe(400);
      } finally {
        await t.db.dataSource.query(`DELETE FROM handling_rule WHERE area_code = $1 AND item_code = $2`, [township, ITEM]);
      }
    });

    it('take the travel model and mode: ROAD by walking differs from the straight line, as GraphQL says', async () => {
      const road = await items('coverage-gaps', `areaCode=${KAIYANG}&item=${ITEM}&mode=WALK&minutes=30&travelModel=ROAD&limit=500`);
      expect(road.status).toBe(200);
      const g = await t.execute<{ coverageGaps: { uncoveredVillageCount: number; villages: { village: { code: string }; travelMinutes: number }[] } }>(
        `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: WALK, minutes: 30, travelModel: ROAD, first: 500) { uncoveredVillageCount villages { village { code } travelMinutes } } }`,
      );
      expect(road.body.numberMatched).toBe(g.data!.coverageGaps.uncoveredVillageCount);
      expect(road.body.features.map((f) => [f.id, f.properties!.travelMinutes])).toEqual(g.data!.coverageGaps.villages.map((v) => [v.village.code, v.travelMinutes]));
      expect(road.body.features.every((f) => f.properties!.travelModel === 'ROAD' && typeof f.properties!.offRoadNetwork === 'boolean')).toBe(true);
    });

    it('without areaCode: the gaps of every province, most people first; with bbox: those inside it', async () => {
      const all = await allPages(`${ogc}/collections/coverage-gaps/items?item=${ITEM}&mode=WALK&limit=500`);
      const counts = await Promise.all(
        ['35', '52'].map(async (code) => {
          const g = await t.execute<{ coverageGaps: { uncoveredVillageCount: number } }>(`{ coverageGaps(areaCode: "${code}", itemCode: "${ITEM}", mode: WALK, first: 1) { uncoveredVillageCount } }`);
          return g.data!.coverageGaps.uncoveredVillageCount;
        }),
      );
      expect(all.matched).toBe(counts[0]! + counts[1]!);
      expect(all.features).toHaveLength(all.matched);
      const populations = all.features.map((f) => f.properties!.population as number);
      expect(populations).toEqual([...populations].sort((a, b) => b - a));
      expect(all.features.some((f) => f.id.startsWith('35')) && all.features.some((f) => f.id.startsWith('52'))).toBe(true);

      const box = [106.9, 27.0, 107.3, 27.4];
      const inBox = await allPages(`${ogc}/collections/coverage-gaps/items?item=${ITEM}&mode=WALK&bbox=${box.join(',')}&limit=5`);
      expect(inBox.matched).toBeGreaterThan(0);
      expect(inBox.features.map((f) => f.id)).toEqual(
        all.features.filter((f) => {
          const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates;
          return lon! >= box[0]! && lon! <= box[2]! && lat! >= box[1]! && lat! <= box[3]!;
        }).map((f) => f.id),
      );
    });

    it('a single gap: an uncovered village with the same figures; a covered village is not a gap (404)', async () => {
      const first = (await items('coverage-gaps', `${gapsQuery}&limit=1`)).body.features[0]!;
      const one = await get<Feature>(`${ogc}/collections/coverage-gaps/items/${first.id}?item=${ITEM}&mode=EBIKE&minutes=15`);
      expect(one.status).toBe(200);
      expect(one.body.properties).toEqual(first.properties);
      expect((await get<Feature>(`${ogc}/collections/coverage-gaps/items/${first.id}?${gapsQuery}`)).body.properties).toEqual(first.properties);
      // Not in the area asked for (a Sanming county): not in the collection so filtered.
      expect(errorOf(await get(`${ogc}/collections/coverage-gaps/items/${first.id}?areaCode=350404&item=${ITEM}`)).status).toBe(404);
      // 双永社区 is 1.1 km from its township's point (README): covered.
      const covered = await get(`${ogc}/collections/coverage-gaps/items/520121101002?item=${ITEM}`);
      expect(errorOf(covered)).toEqual(expect.objectContaining({ status: 404, code: 'NOT_FOUND' }));
      expect(errorOf(covered).message).toContain('it is no gap');
    });
  });

  describe('errors', () => {
    it.each([
      ['/collections/villages/items?foo=bar', 'Unknown query parameter "foo" for /collections/villages/items; it takes limit, bbox, datetime, cursor, f, areaCode'],
      ['/collections/villages/items?limit=0', 'limit must be a whole number from 1 to 500'],
      ['/collections/villages/items?limit=abc', 'limit must be a whole number'],
      ['/collections/villages/items?limit=5&limit=6', 'given more than once'],
      ['/collections/villages/items?bbox=1,2,3', 'got 3 values'],
      ['/collections/villages/items?bbox=106,91,107,92', 'latitude 91 is outside -90 to 90'],
      ['/collections/villages/items?bbox=107,27,106,28', 'across the antimeridian'],
      ['/collections/villages/items?bbox=a,b,c,d', 'is not a number'],
      ['/collections/villages/items?datetime=yesterday', 'datetime must be an RFC 3339'],
      ['/collections/villages/items?cursor=WyJvZ2M6YXJlYXMiLCI1MiJd', 'cursor is not one this server issued for villages'],
      ['/collections/villages/items?cursor=bm9wZQ', 'cursor is not one this server issued'],
      ['/collections/villages/items?f=html', 'f must be json or geojson'],
      ['/collections/villages/items?crs=http://www.opengis.net/def/crs/EPSG/0/4326', 'Unknown query parameter "crs"'],
      ['/collections/villages/items?areaCode=999999', 'areaCode: there is no area 999999'],
      ['/collections/service-points/items?item=NO_SUCH_ITEM', 'item: there is no service item NO_SUCH_ITEM'],
      ['/collections/service-points/items?kind=CASTLE', 'kind must be one or more (comma-separated) of'],
      ['/collections/coverage-gaps/items?minutes=0', 'minutes must be a number from 1 to 120'],
      ['/collections/coverage-gaps/items?mode=TELEPORT', 'mode must be one of WALK, BICYCLE, EBIKE, CAR'],
      ['/collections/coverage-gaps/items?scenario=00000000-0000-4000-8000-000000000000', 'Scenario "00000000-0000-4000-8000-000000000000" was not found'],
      ['/collections/areas/items?parentCode=999999', 'parentCode: there is no area 999999'],
      ['/collections/villages?limit=5', 'Unknown query parameter "limit" for /collections/villages'],
      ['/collections?x=1', 'Unknown query parameter "x" for /ogc/collections; it takes f.'],
      ['/conformance?f=xml', 'f must be json'],
      ['?service=WFS', 'Unknown query parameter "service" for the landing page'],
    ])('GET /ogc%s → 400 BAD_USER_INPUT', async (path, message) => {
      const e = errorOf(await get(`${ogc}${path}`));
      expect(e).toEqual(expect.objectContaining({ status: 400, code: 'BAD_USER_INPUT' }));
      expect(e.message).toContain(message);
    });

    it('a page of data past the cursor of an earlier page still starts right after it (keyset)', async () => {
      const first = await items('villages', 'limit=3');
      const next = linkOf(first.body.links, 'next')!.href;
      const second = await get<FeatureCollection>(next);
      expect(second.body.features[0]!.id > first.body.features[2]!.id).toBe(true);
      expect(linkOf(second.body.links, 'self')!.href).toBe(next);
    });

    it.each(['/collections/roads', '/collections/roads/items', '/collections/roads/items/1', '/nothing-here', '/collections/villages/items/520121101002/more'])('GET /ogc%s → 404 NOT_FOUND (JSON)', async (path) => {
      expect(errorOf(await get(`${ogc}${path}`))).toEqual(expect.objectContaining({ status: 404, code: 'NOT_FOUND' }));
    });

    it('is read-only (405) and answers CORS preflights', async () => {
      const post = await fetch(`${ogc}/collections/villages/items`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      const preflight = await fetch(`${ogc}/collections/villages/items`, { method: 'OPTIONS', headers: { origin: 'https://gis.example.org', 'access-control-request-headers': 'x-api-key' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-API-Key/);
      const head = await fetch(`${ogc}/collections/villages/items?limit=1`, { method: 'HEAD' });
      expect(head.status).toBe(200);
    });

    it('answers over MAX_RESPONSE_BYTES are refused with LIMIT_EXCEEDED, saying to ask for fewer', async () => {
      const small = await createTestApp({ MAX_RESPONSE_BYTES: '20000', RATE_LIMIT_COST_PER_MINUTE: '0' });
      try {
        const { url } = await small.app.listen(0, '127.0.0.1');
        const e = errorOf(await get(`${url}/ogc/collections/villages/items?limit=500`));
        expect(e).toEqual(expect.objectContaining({ status: 400, code: 'LIMIT_EXCEEDED' }));
        expect(e.message).toContain('ask for fewer features (limit)');
        expect((await get(`${url}/ogc/collections/villages/items?limit=10`)).status).toBe(200);
      } finally {
        await small.close();
      }
    });
  });
});

describe('OGC API keys and roles, as GraphQL has them (e2e)', () => {
  let t: TestApp;
  let base: string;
  const keys = {} as Record<'reader' | 'planner' | 'editor' | 'both', string>;

  const get2 = (path: string, key?: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
    get(`${base}/ogc${path}`, key ? { [header]: header === 'authorization' ? `Bearer ${key}` : key } : {});

  beforeAll(async () => {
    // No anonymous access; 1,000 points a minute per key (the costliest query must fit in it).
    t = await createTestApp({ ANONYMOUS_ROLES: 'none', RATE_LIMIT_COST_PER_MINUTE: '1000', MAX_QUERY_COST: '1000', API_KEY_CACHE_SECONDS: '0' });
    ({ url: base } = await t.app.listen(0, '127.0.0.1'));
    const create = async (name: string, roles: Role[]) => (await t.app.services.apiKey.create({ name, roles, areaCodes: roles.includes(Role.EDITOR) ? [KAIYANG] : [] }, CLI_ACTOR)).secret;
    keys.reader = await create('ogc reader', [Role.READER]);
    keys.planner = await create('ogc planner', [Role.PLANNER]);
    keys.editor = await create('ogc editor', [Role.EDITOR]);
    keys.both = await create('ogc both', [Role.READER, Role.PLANNER]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('each collection needs the role of its GraphQL fields: READER for the directory and areas, PLANNER for coverage gaps', async () => {
    const gaps = `/collections/coverage-gaps/items?areaCode=${KAIYANG}&item=${ITEM}`;
    for (const path of ['/collections/villages/items', '/collections/service-points/items', '/collections/areas/items', '/collections/villages/items/520121101002', '/collections/villages']) {
      expect((await get2(path, keys.reader)).status).toBe(200);
      expect(errorOf(await get2(path, keys.planner))).toEqual(expect.objectContaining({ status: 403, code: 'FORBIDDEN' }));
    }
    expect((await get2(gaps, keys.planner)).status).toBe(200);
    const forbidden = errorOf(await get2(gaps, keys.reader));
    expect(forbidden).toEqual(expect.objectContaining({ status: 403, code: 'FORBIDDEN' }));
    expect(forbidden.message).toContain('needs the PLANNER role');
    expect(errorOf(await get2(gaps, keys.editor)).code).toBe('FORBIDDEN');
    expect((await get2(gaps, keys.both, 'x-api-key')).status).toBe(200);

    // GraphQL says the same of the same keys.
    const graphql = async (key: string) => (await postGraphQL(base, `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", first: 1) { uncoveredVillageCount } }`, { key })).body.errors?.[0]?.extensions?.code;
    expect(await graphql(keys.reader)).toBe('FORBIDDEN');
    expect(await graphql(keys.planner)).toBeUndefined();
  });

  it('without a key (ANONYMOUS_ROLES=none): the data is 401 UNAUTHENTICATED, as in GraphQL; the API description stays readable', async () => {
    for (const path of ['/collections', '/collections/villages', '/collections/villages/items', `/collections/coverage-gaps/items?item=${ITEM}`]) {
      const r = await get2(path);
      expect(errorOf(r)).toEqual(expect.objectContaining({ status: 401, code: 'UNAUTHENTICATED' }));
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    const graphql = await postGraphQL(base, '{ villages(first: 1) { totalCount } }');
    expect(graphql.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    for (const path of ['', '/conformance', '/api']) expect((await get2(path)).status).toBe(200);
  });

  it('a malformed, unknown or revoked key is 401 everywhere, even for the landing page', async () => {
    const revoked = await t.app.services.apiKey.create({ name: 'ogc revoked', roles: [Role.READER], areaCodes: [] }, CLI_ACTOR);
    await t.app.services.apiKey.revoke(revoked.apiKey.id, CLI_ACTOR);
    for (const key of ['nonsense', 'sc_' + 'A'.repeat(43), revoked.secret]) {
      for (const path of ['', '/collections/villages/items']) expect(errorOf(await get2(path, key)).status).toBe(401);
    }
  });

  it('lists only the collections the key may read', async () => {
    const ids = async (key: string) => ((await get2('/collections', key)).body as { collections: { id: string }[] }).collections.map((c) => c.id);
    expect(await ids(keys.reader)).toEqual(['service-points', 'villages', 'areas']);
    expect(await ids(keys.planner)).toEqual(['planning-areas', 'coverage-gaps']);
    expect(await ids(keys.both)).toEqual(['service-points', 'villages', 'areas', 'planning-areas', 'coverage-gaps']);
    // Planning areas are PLANNER or EDITOR, as in GraphQL: an EDITOR key reads that collection only.
    expect(await ids(keys.editor)).toEqual(['planning-areas']);
    expect(errorOf(await get2('/collections/villages/items', keys.editor))).toEqual(expect.objectContaining({ status: 403, code: 'FORBIDDEN' }));
  });

  it('spends from the key\'s GraphQL budget: 1 point per feature asked for (+50 for a coverage computation), 429 with Retry-After when spent', async () => {
    const key = (await t.app.services.apiKey.create({ name: 'ogc budget', roles: [Role.READER, Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    const first = await get2('/collections/villages/items?limit=499', key);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('1000');
    expect(first.headers.get('ratelimit-remaining')).toBe('500');
    const gaps = await get2(`/collections/coverage-gaps/items?areaCode=${KAIYANG}&item=${ITEM}&limit=400`, key);
    expect(gaps.status).toBe(200);
    expect(gaps.headers.get('ratelimit-remaining')).toBe('50');
    const refused = await get2('/collections/villages/items?limit=100', key);
    const e = errorOf(refused);
    expect(e).toEqual(expect.objectContaining({ status: 429, code: 'RATE_LIMITED' }));
    expect(e.message).toContain('this page of 100 villages costs 101 points');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same budget as GraphQL.
    expect((await postGraphQL(base, '{ villages(first: 100) { edges { node { code } } } }', { key })).status).toBe(429);
  });
});
