import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import type { Feature, FeatureCollection, Point } from 'geojson';
import { Role } from '../../src/common/role.enum';
import { convertPosition } from '../../src/geo/convert-geometry';
import { CLI_ACTOR } from '../../src/write/actor';
import { postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * The downloads at /export over real HTTP, on the embedded database and on a PostgreSQL server alike: coverage gaps,
 * a saved scenario's comparison and site suggestions, each as CSV (UTF-8 with a BOM, CRLF, Chinese names intact,
 * provenance columns) and as GeoJSON (RFC 7946, a top-level provenance), compared with GraphQL's coverageGaps,
 * compareCoverage and suggestSites (the same villages, minutes, points and data version); errors as JSON with a
 * code (never 500 for bad input); keys, roles and the rate-limit budget as GraphQL has them.
 */

const KAIYANG = '520121';
const ITEM = 'CHRONIC_DISEASE_CERT';
const QUESTION = `area=${KAIYANG}&item=${ITEM}&mode=EBIKE&minutes=15`;
const BOM = [0xef, 0xbb, 0xbf];

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

type Row = Record<string, string>;
type Collection = FeatureCollection<Point> & { provenance: Record<string, unknown> } & Record<string, unknown>;

/** A CSV download read as a spreadsheet would: the BOM checked and dropped, CRLF records, a header row. */
function readCsv(d: Download): { header: string[]; rows: Row[] } {
  expect(d.status).toBe(200);
  expect(d.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
  expect([...d.bytes.subarray(0, 3)]).toEqual(BOM);
  const text = d.bytes.subarray(3).toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  // Every record ends in CRLF; no bare LF (no cell here holds a line break).
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const records = parse(text, { record_delimiter: '\r\n' }) as string[][];
  const [header, ...rest] = records;
  return { header: header!, rows: rest.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))) };
}

function readGeoJson(d: Download): Collection {
  expect(d.status).toBe(200);
  expect(d.headers.get('content-type')).toBe('application/geo+json; charset=utf-8');
  expect([...d.bytes.subarray(0, 1)]).toEqual([0x7b]); // JSON: no BOM
  const text = d.bytes.toString('utf8');
  check(text); // RFC 7946 (@placemarkio/check-geojson)
  return JSON.parse(text) as Collection;
}

const num = (cell: string) => (cell === '' ? null : Number(cell));

describe('exports at /export (e2e)', () => {
  let t: TestApp;
  let base: string;
  let version: string;
  let scenarioId: string;

  const download = async (path: string, headers: Record<string, string> = {}): Promise<Download> => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const errorOf = async (path: string, headers: Record<string, string> = {}) => {
    const d = await download(path, headers);
    expect(d.headers.get('content-type')).toMatch(/^application\/json/);
    expect(d.headers.get('content-disposition')).toBeNull();
    const body = JSON.parse(d.bytes.toString('utf8')) as { errors: { message: string; extensions: { code: string; argument?: string } }[] };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.message).not.toMatch(/\n\s+at /);
    return { status: d.status, code: body.errors[0]!.extensions.code, message: body.errors[0]!.message, argument: body.errors[0]!.extensions.argument };
  };
  const graphql = async <T>(query: string, variables?: Record<string, unknown>) => {
    const r = await postGraphQL<T>(base, query, { variables });
    expect(r.body.errors).toBeUndefined();
    return r.body.data!;
  };

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_COST_PER_MINUTE: '0' });
    ({ url: base } = await t.app.listen(0, '127.0.0.1'));
    await t.db.dataSource.query(`DELETE FROM scenario WHERE name = '导出测试'`);
    [{ version }] = await t.db.dataSource.query('SELECT version::text AS version FROM data_version');
    // Close the station of 双流镇 and open one at 东官村 (南龙乡): the README's comparison.
    const saved = await graphql<{ saveScenario: { id: string } }>(
      `mutation($s: ScenarioInput!) { saveScenario(name: "导出测试", areaCode: "${KAIYANG}", scenario: $s) { id } }`,
      {
        s: {
          close: ['TS-520121101'],
          add: [{ key: 'NEW-1', name: '东官村服务站', kind: 'TOWNSHIP_STATION', areaCode: '520121200', location: { longitude: 107.102032, latitude: 27.016308 } }],
        },
      },
    );
    scenarioId = saved.saveScenario.id;
  });
  afterAll(async () => {
    await t?.db.dataSource.query(`DELETE FROM scenario WHERE name = '导出测试'`);
    await t?.close();
  });

  describe('coverage gaps', () => {
    interface GapsAnswer {
      coverageGaps: {
        uncoveredVillageCount: number;
        uncoveredPopulation: number;
        villages: {
          village: { code: string; name: string; population: number; longitude: number; latitude: number; township: { code: string; name: string } };
          nearestServicePoint: { id: string; name: string } | null;
          distanceMeters: number | null;
          travelMinutes: number | null;
          offRoadNetwork: boolean | null;
        }[];
        provenance: { dataVersion: string; travelModel: string; method: string; mode: string; minutes: number };
      };
    }
    let expected: GapsAnswer['coverageGaps'];

    beforeAll(async () => {
      expected = (
        await graphql<GapsAnswer>(
          `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, first: 500) {
            uncoveredVillageCount uncoveredPopulation
            villages { village { code name population longitude latitude township { code name } } nearestServicePoint { id name } distanceMeters travelMinutes offRoadNetwork }
            provenance { dataVersion travelModel method mode minutes } } }`,
        )
      ).coverageGaps;
      expect(expected.villages.length).toBe(expected.uncoveredVillageCount);
      expect(expected.uncoveredVillageCount).toBeGreaterThan(10);
    });

    it('CSV: every uncovered village, most people first, as coverageGaps answers (names in Chinese, minutes, points), with a BOM and CRLF', async () => {
      const d = await download(`/export/gaps.csv?${QUESTION}`);
      const { header, rows } = readCsv(d);
      expect(header).toEqual([
        'rank', 'code', 'name', 'townshipCode', 'townshipName', 'population', 'nearestServicePointId', 'nearestServicePointName', 'travelMinutes',
        'distanceMeters', 'offRoadNetwork', 'longitude', 'latitude',
        'itemCode', 'mode', 'minutes', 'travelModel', 'method', 'handling', 'dataVersion', 'computedAt', 'scenarioKey', 'scenarioId', 'crs',
      ]);
      expect(rows.map((r) => r.code)).toEqual(expected.villages.map((v) => v.village.code));
      rows.forEach((row, i) => {
        const g = expected.villages[i]!;
        expect(row).toEqual(
          expect.objectContaining({
            rank: String(i + 1),
            name: g.village.name,
            townshipCode: g.village.township.code,
            townshipName: g.village.township.name,
            population: String(g.village.population),
            nearestServicePointId: g.nearestServicePoint?.id ?? '',
            nearestServicePointName: g.nearestServicePoint?.name ?? '',
            offRoadNetwork: '',
            itemCode: ITEM,
            mode: 'EBIKE',
            minutes: '15',
            travelModel: 'STRAIGHT_LINE',
            method: 'INDEX',
            handling: 'IN_PERSON',
            dataVersion: version,
            scenarioKey: '',
            scenarioId: '',
            crs: 'WGS84',
          }),
        );
        expect(num(row.travelMinutes!)).toBe(g.travelMinutes);
        expect(num(row.distanceMeters!)).toBe(g.distanceMeters);
        expect(num(row.longitude!)).toBe(g.village.longitude);
        expect(num(row.latitude!)).toBe(g.village.latitude);
      });
      // Chinese names survive the round trip (UTF-8 after the BOM): 龙广村 is the README's first gap.
      expect(rows.some((r) => /[\u4e00-\u9fff]/.test(r.name!))).toBe(true);
      expect(rows.reduce((n, r) => n + Number(r.population), 0)).toBe(expected.uncoveredPopulation);

      expect(expected.provenance.dataVersion).toBe(version);
      expect(d.headers.get('content-disposition')).toBe(`attachment; filename="gaps-${KAIYANG}-${ITEM}-EBIKE-15min-STRAIGHT_LINE-v${version}.csv"`);
      expect(d.headers.get('data-version')).toBe(version);
      expect(d.headers.get('x-data-version')).toBe(version);
      expect(d.headers.get('x-travel-model')).toBe('STRAIGHT_LINE');
      expect(d.headers.get('x-coverage-method')).toBe('INDEX');
      expect(d.headers.get('x-row-count')).toBe(String(rows.length));
      expect(d.headers.get('access-control-expose-headers')).toMatch(/Content-Disposition/);
    });

    it('GeoJSON: the same villages as Points with the same figures, and the provenance GraphQL gives', async () => {
      const d = await download(`/export/gaps.geojson?${QUESTION}`);
      const fc = readGeoJson(d);
      expect(d.headers.get('content-disposition')).toBe(`attachment; filename="gaps-${KAIYANG}-${ITEM}-EBIKE-15min-STRAIGHT_LINE-v${version}.geojson"`);
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features.map((f) => f.id)).toEqual(expected.villages.map((v) => v.village.code));
      fc.features.forEach((f, i) => {
        const g = expected.villages[i]!;
        expect(f.geometry.coordinates).toEqual([g.village.longitude, g.village.latitude]);
        expect(f.properties).toEqual({
          rank: i + 1,
          code: g.village.code,
          name: g.village.name,
          townshipCode: g.village.township.code,
          townshipName: g.village.township.name,
          population: g.village.population,
          nearestServicePointId: g.nearestServicePoint?.id ?? null,
          nearestServicePointName: g.nearestServicePoint?.name ?? null,
          travelMinutes: g.travelMinutes,
          distanceMeters: g.distanceMeters,
          offRoadNetwork: g.offRoadNetwork,
        });
      });
      expect(fc).toEqual(
        expect.objectContaining({
          area: { code: KAIYANG, name: '开阳县', level: 'COUNTY' },
          itemCode: ITEM,
          uncoveredVillageCount: expected.uncoveredVillageCount,
          uncoveredPopulation: expected.uncoveredPopulation,
        }),
      );
      expect(fc.provenance).toEqual(expect.objectContaining(expected.provenance));
      expect(fc.provenance.description).toEqual(expect.stringContaining(`data version ${version}`));
      expect(fc.coordinateSystem).toBeUndefined();
    });

    it('crs=GCJ02: the positions as Chinese web maps draw them, said in the file and its name', async () => {
      const fc = readGeoJson(await download(`/export/gaps.geojson?${QUESTION}&crs=GCJ02`));
      expect(fc.coordinateSystem).toBe('GCJ02');
      const first = expected.villages[0]!.village;
      const [lon, lat] = convertPosition([first.longitude, first.latitude], 'WGS84', 'GCJ02');
      expect(fc.features[0]!.geometry.coordinates[0]).toBeCloseTo(lon!, 9);
      expect(fc.features[0]!.geometry.coordinates[1]).toBeCloseTo(lat!, 9);
      const csv = await download(`/export/gaps.csv?${QUESTION}&crs=GCJ02`);
      expect(csv.headers.get('content-disposition')).toMatch(/-GCJ02\.csv"$/);
      const { rows } = readCsv(csv);
      expect(Number(rows[0]!.longitude)).toBeCloseTo(lon!, 9);
      expect(rows[0]!.crs).toBe('GCJ02');
    });

    it('under a saved scenario: the gaps coverageGaps gives for its scenarioId, named in the file', async () => {
      const answer = await graphql<{ coverageGaps: { villages: { village: { code: string }; nearestServicePoint: { id: string; name: string } | null; travelMinutes: number }[]; provenance: { scenario: { key: string } } } }>(
        `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, first: 500, scenarioId: "${scenarioId}") {
          villages { village { code } nearestServicePoint { id name } travelMinutes } provenance { scenario { key } } } }`,
      );
      const d = await download(`/export/gaps.csv?${QUESTION}&scenario=${scenarioId}`);
      const { rows } = readCsv(d);
      const gaps = answer.coverageGaps;
      expect(rows.map((r) => [r.code, r.nearestServicePointId, r.nearestServicePointName, Number(r.travelMinutes)])).toEqual(
        gaps.villages.map((v) => [v.village.code, v.nearestServicePoint?.id, v.nearestServicePoint?.name, v.travelMinutes]),
      );
      expect(rows[0]!.scenarioKey).toBe(gaps.provenance.scenario.key);
      expect(rows[0]!.scenarioId).toBe(scenarioId);
      expect(d.headers.get('content-disposition')).toContain(`-scenario-${gaps.provenance.scenario.key}.csv`);
      expect(d.headers.get('x-scenario')).toBe(`${gaps.provenance.scenario.key}; id=${scenarioId}`);
    });
  });

  describe('scenario comparison', () => {
    interface Changed {
      village: { code: string; name: string; population: number };
      nearestServicePoint: { id: string; name: string } | null;
      travelMinutes: number;
    }
    interface CompareAnswer {
      compareCoverage: {
        before: { coveredPopulation: number };
        after: { coveredPopulation: number };
        populationGained: number;
        villagesGainedCount: number;
        villagesLostCount: number;
        villagesGained: Changed[];
        villagesLost: Changed[];
        provenance: { dataVersion: string; scenario: { key: string; savedId: string } };
      };
    }
    let expected: CompareAnswer['compareCoverage'];
    let live: Map<string, { minutes: number; point: string }>;

    beforeAll(async () => {
      const changed = 'village { code name population } nearestServicePoint { id name } travelMinutes';
      expected = (
        await graphql<CompareAnswer>(
          `{ compareCoverage(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, scenarioId: "${scenarioId}", first: 100) {
            before { coveredPopulation } after { coveredPopulation } populationGained villagesGainedCount villagesLostCount
            villagesGained { ${changed} } villagesLost { ${changed} } provenance { dataVersion scenario { key savedId } } } }`,
        )
      ).compareCoverage;
      expect(expected.villagesGainedCount).toBeGreaterThan(0);
      expect(expected.villagesLostCount).toBeGreaterThan(0);
      expect(expected.villagesGained.length + expected.villagesLost.length).toBe(expected.villagesGainedCount + expected.villagesLostCount);
      // The live figures of every village ("before"), from GraphQL's coverage.
      const coverage = await graphql<{ coverage: { villages: { edges: { node: { village: { code: string }; travelMinutes: number; nearestServicePoint: { id: string } } }[] } } }>(
        `{ coverage(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15) { villages(first: 500) { edges { node { village { code } travelMinutes nearestServicePoint { id } } } } } }`,
      );
      live = new Map(coverage.coverage.villages.edges.map(({ node }) => [node.village.code, { minutes: node.travelMinutes, point: node.nearestServicePoint.id }]));
    });

    it('CSV: the villages gained, then lost, as compareCoverage lists them, with minutes and points before and after', async () => {
      const d = await download(`/export/comparison.csv?${QUESTION}&scenario=${scenarioId}`);
      const { header, rows } = readCsv(d);
      expect(header.slice(0, 16)).toEqual([
        'change', 'code', 'name', 'townshipCode', 'townshipName', 'population', 'travelMinutesBefore', 'travelMinutesAfter',
        'nearestServicePointIdBefore', 'nearestServicePointNameBefore', 'nearestServicePointIdAfter', 'nearestServicePointNameAfter',
        'distanceMetersBefore', 'distanceMetersAfter', 'longitude', 'latitude',
      ]);
      const listed = [...expected.villagesGained.map((v) => ['GAINED', v] as const), ...expected.villagesLost.map((v) => ['LOST', v] as const)];
      expect(rows.map((r) => [r.change, r.code])).toEqual(listed.map(([change, v]) => [change, v.village.code]));
      rows.forEach((row, i) => {
        const v = listed[i]![1];
        expect(row.name).toBe(v.village.name);
        expect(Number(row.population)).toBe(v.village.population);
        expect(Number(row.travelMinutesAfter)).toBe(v.travelMinutes);
        expect(row.nearestServicePointIdAfter).toBe(v.nearestServicePoint?.id);
        expect(row.nearestServicePointNameAfter).toBe(v.nearestServicePoint?.name);
        expect(Number(row.travelMinutesBefore)).toBe(live.get(v.village.code)!.minutes);
        expect(row.nearestServicePointIdBefore).toBe(live.get(v.village.code)!.point);
        expect(row.dataVersion).toBe(version);
        expect(row.scenarioKey).toBe(expected.provenance.scenario.key);
        expect(row.scenarioId).toBe(scenarioId);
      });
      // The new point is named as the scenario names it (东官村服务站), in Chinese.
      expect(rows.filter((r) => r.change === 'GAINED').map((r) => r.nearestServicePointNameAfter)).toContain('东官村服务站');
      expect(expected.provenance.dataVersion).toBe(version);
      expect(d.headers.get('content-disposition')).toBe(
        `attachment; filename="comparison-${KAIYANG}-${ITEM}-EBIKE-15min-STRAIGHT_LINE-v${version}-scenario-${expected.provenance.scenario.key}.csv"`,
      );
    });

    it('GeoJSON: the same villages, and the totals compareCoverage gives', async () => {
      const fc = readGeoJson(await download(`/export/comparison.geojson?${QUESTION}&scenario=${scenarioId}`));
      expect(fc.features.map((f) => [f.properties!.change, f.id])).toEqual([
        ...expected.villagesGained.map((v) => ['GAINED', v.village.code]),
        ...expected.villagesLost.map((v) => ['LOST', v.village.code]),
      ]);
      expect(fc).toEqual(
        expect.objectContaining({
          coveredPopulationBefore: expected.before.coveredPopulation,
          coveredPopulationAfter: expected.after.coveredPopulation,
          populationGained: expected.populationGained,
          villagesGainedCount: expected.villagesGainedCount,
          villagesLostCount: expected.villagesLostCount,
        }),
      );
      expect((fc.byTownship as unknown[]).length).toBeGreaterThan(0);
      expect(fc.provenance).toEqual(expect.objectContaining({ dataVersion: version, scenario: expect.objectContaining({ key: expected.provenance.scenario.key, savedId: scenarioId }) }));
    });
  });

  describe('site suggestions', () => {
    interface SuggestAnswer {
      suggestSites: {
        sites: {
          rank: number;
          key: string;
          name: string;
          kind: string;
          area: { code: string; name: string };
          villageCode: string;
          longitude: number;
          latitude: number;
          marginalCoveredPopulation: number;
          cumulativeCoveredPopulation: number;
        }[];
        coveredPopulationBefore: number;
        coveredPopulationAfter: number;
        status: string;
        provenance: { dataVersion: string };
      };
    }
    let expected: SuggestAnswer['suggestSites'];

    beforeAll(async () => {
      expected = (
        await graphql<SuggestAnswer>(
          `{ suggestSites(areaCode: "${KAIYANG}", itemCode: "${ITEM}", mode: EBIKE, minutes: 15, objective: MAX_COVERED_POPULATION, count: 3) {
            sites { rank key name kind area { code name } villageCode longitude latitude marginalCoveredPopulation cumulativeCoveredPopulation }
            coveredPopulationBefore coveredPopulationAfter status provenance { dataVersion } } }`,
        )
      ).suggestSites;
      expect(expected.sites).toHaveLength(3);
    });

    it('CSV and GeoJSON: the sites suggestSites gives, in the order to open them, with marginal and cumulative people', async () => {
      const query = `${QUESTION}&count=3&objective=MAX_COVERED_POPULATION`;
      const { rows } = readCsv(await download(`/export/suggestions.csv?${query}`));
      expect(rows.map((r) => [Number(r.rank), r.key, r.name, r.kind, r.areaCode, r.areaName, r.villageCode, Number(r.longitude), Number(r.latitude), Number(r.marginalCoveredPopulation), Number(r.cumulativeCoveredPopulation)])).toEqual(
        expected.sites.map((s) => [s.rank, s.key, s.name, s.kind, s.area.code, s.area.name, s.villageCode, s.longitude, s.latitude, s.marginalCoveredPopulation, s.cumulativeCoveredPopulation]),
      );
      expect(rows[0]!.name).toMatch(/^拟设乡镇医保服务站（/);
      expect(rows[0]!.dataVersion).toBe(version);

      const fc = readGeoJson(await download(`/export/suggestions.geojson?${query}`));
      expect(fc.features.map((f: Feature<Point>) => [f.id, f.geometry.coordinates])).toEqual(expected.sites.map((s) => [s.key, [s.longitude, s.latitude]]));
      expect(fc).toEqual(
        expect.objectContaining({
          objective: 'MAX_COVERED_POPULATION',
          coveredPopulationBefore: expected.coveredPopulationBefore,
          coveredPopulationAfter: expected.coveredPopulationAfter,
          status: expected.status,
        }),
      );
      expect(fc.provenance.dataVersion).toBe(expected.provenance.dataVersion);
    });
  });

  describe('errors: JSON with a code, never a 500 for bad input', () => {
    it.each([
      [`/export/gaps.csv?${QUESTION}&first=10`, 'BAD_USER_INPUT', /Unknown query parameter "first" for \/export\/gaps\.csv; it takes area, item/],
      [`/export/gaps.csv?${QUESTION}&count=3`, 'BAD_USER_INPUT', /Unknown query parameter "count"/],
      [`/export/gaps.csv?item=${ITEM}`, 'BAD_USER_INPUT', /area is required/],
      ['/export/gaps.csv?area=52012', 'BAD_USER_INPUT', /area must be an official area code/],
      ['/export/gaps.csv?area=520121&area=520122', 'BAD_USER_INPUT', /given more than once/],
      ['/export/gaps.csv?area=520121&minutes=0', 'BAD_USER_INPUT', /minutes must be a number from 1 to 120/],
      ['/export/gaps.csv?area=520121&minutes=abc', 'BAD_USER_INPUT', /minutes must be a number/],
      ['/export/gaps.csv?area=520121&mode=PLANE', 'BAD_USER_INPUT', /mode must be one of WALK, BICYCLE, EBIKE, CAR/],
      ['/export/gaps.csv?area=520121&crs=EPSG3857', 'BAD_USER_INPUT', /crs must be one of WGS84, GCJ02, BD09/],
      ['/export/gaps.csv?area=520121&scenario=nope', 'BAD_USER_INPUT', /scenario must be the id of a saved scenario/],
      ['/export/gaps.csv?area=520121&item=lower', 'BAD_USER_INPUT', /item must be an item code/],
      [`/export/comparison.csv?${QUESTION}`, 'BAD_USER_INPUT', /scenario is required/],
      ['/export/suggestions.csv?area=520121', 'BAD_USER_INPUT', /item is required/],
      [`/export/suggestions.csv?${QUESTION}&count=51`, 'BAD_USER_INPUT', /count must be a whole number from 1 to 50/],
      [`/export/suggestions.csv?${QUESTION}&objective=FEWEST_SITES_FOR_FULL_COVERAGE&count=3`, 'BAD_USER_INPUT', /leave out count/],
      ['/export/gaps.csv?area=999999', 'NOT_FOUND', /Area "999999" was not found/],
      ['/export/gaps.csv?area=NO_SUCH_AREA', 'NOT_FOUND', /"NO_SUCH_AREA" was not found/],
      ['/export/gaps.csv?area=520121&item=NO_SUCH_ITEM', 'NOT_FOUND', /ServiceItem "NO_SUCH_ITEM" was not found/],
      [`/export/comparison.csv?${QUESTION}&scenario=00000000-0000-4000-8000-000000000000`, 'NOT_FOUND', /Scenario "00000000-0000-4000-8000-000000000000" was not found/],
      ['/export/gaps.xlsx?area=520121', 'NOT_FOUND', /\/export\/gaps\.csv, \/export\/gaps\.geojson/],
      ['/export/villages.csv', 'NOT_FOUND', /was not found/],
      ['/export/gaps.csv/more', 'NOT_FOUND', /was not found/],
    ])('%s → %s', async (path, code, message) => {
      const e = await errorOf(path as string);
      expect(e.code).toBe(code);
      expect(e.status).toBe(code === 'NOT_FOUND' ? 404 : 400);
      expect(e.message).toMatch(message as RegExp);
    });

    it('a method other than GET is 405 with a JSON body', async () => {
      const res = await fetch(`${base}/export/gaps.csv?area=520121`, { method: 'POST' });
      expect(res.status).toBe(405);
      expect(((await res.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    });
  });
});

describe('export keys, roles and budget, as GraphQL has them (e2e)', () => {
  let t: TestApp;
  let base: string;
  const keys = {} as Record<'reader' | 'planner' | 'budget' | 'area', string>;

  const status = async (path: string, key?: string) => {
    const res = await fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const text = await res.text();
    return { status: res.status, headers: res.headers, code: res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code : null, text };
  };

  beforeAll(async () => {
    // Kaiyang's gaps cost 50 + 136 villages = 186 points: one fits in 300, two do not.
    t = await createTestApp({ ANONYMOUS_ROLES: 'none', RATE_LIMIT_COST_PER_MINUTE: '300', MAX_QUERY_COST: '300', API_KEY_CACHE_SECONDS: '0' });
    ({ url: base } = await t.app.listen(0, '127.0.0.1'));
    await t.db.dataSource.query(`DELETE FROM planning_area WHERE code = 'EXPORT_TEST'`);
    const create = async (name: string, roles: Role[]) => (await t.app.services.apiKey.create({ name, roles, areaCodes: [] }, CLI_ACTOR)).secret;
    keys.reader = await create('export reader', [Role.READER]);
    keys.planner = await create('export planner', [Role.PLANNER]);
    keys.budget = await create('export budget', [Role.PLANNER]);
    keys.area = await create('export planning area', [Role.PLANNER]);
  });
  afterAll(async () => {
    await t?.db.dataSource.query(`DELETE FROM planning_area WHERE code = 'EXPORT_TEST'`);
    await t?.close();
  });

  it('PLANNER, as coverageGaps, compareCoverage and suggestSites: no key 401, a READER key 403, a bad key 401, a PLANNER key 200', async () => {
    for (const kind of ['gaps', 'comparison', 'suggestions']) {
      const path = `/export/${kind}.csv?${QUESTION}`;
      const anonymous = await status(path);
      expect([anonymous.status, anonymous.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await status(path, keys.reader)).code).toBe('FORBIDDEN');
      expect((await status(path, keys.reader)).status).toBe(403);
      expect((await status(path, 'sc_not-a-real-key')).status).toBe(401);
    }
    // The key comes before the parameters: a reader learns nothing of them.
    expect((await status('/export/gaps.csv?bogus=1', keys.reader)).code).toBe('FORBIDDEN');
    const ok = await status(`/export/gaps.geojson?${QUESTION}`, keys.planner);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit-remaining')).toBe(String(300 - 186));
    // GraphQL says the same of the same keys.
    const gql = await postGraphQL(base, `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}") { uncoveredVillageCount } }`, { key: keys.reader });
    expect(gql.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a planning area (a PLANNER key creates it) exports its own gaps, as coverageGaps gives them for its code', async () => {
    const key = keys.area;
    const created = await postGraphQL(base, 'mutation { createPlanningArea(input: { code: "EXPORT_TEST", name: "导出测试区", memberCodes: ["520121101", "520121200"] }) { code villageCount } }', { key });
    expect(created.body.errors).toBeUndefined();
    const gql = await postGraphQL<{ coverageGaps: { uncoveredVillageCount: number; villages: { village: { code: string; name: string } }[] } }>(
      base,
      `{ coverageGaps(areaCode: "EXPORT_TEST", itemCode: "${ITEM}", first: 40) { uncoveredVillageCount villages { village { code name } } } }`,
      { key },
    );
    expect(gql.body.errors).toBeUndefined();
    const gaps = gql.body.data!.coverageGaps;
    expect(gaps.uncoveredVillageCount).toBe(gaps.villages.length);
    const res = await fetch(`${base}/export/gaps.csv?area=EXPORT_TEST&item=${ITEM}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename="gaps-EXPORT_TEST-CHRONIC_DISEASE_CERT-EBIKE-15min-STRAIGHT_LINE-v\d+\.csv"/);
    const bytes = Buffer.from(await res.arrayBuffer());
    const records = parse(bytes.subarray(3).toString('utf8')) as string[][];
    expect(records.slice(1).map((r) => [r[1], r[2]])).toEqual(gaps.villages.map((v) => [v.village.code, v.village.name]));
  });

  it('counts other ways of handling when asked (handling=IN_PERSON,ONLINE), as coverageGaps(handling) does; a bad value is 400', async () => {
    const key = async (name: string) => (await t.app.services.apiKey.create({ name, roles: [Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    type Gaps = { coverageGaps: { villages: { village: { code: string; township: { code: string } } }[] } };
    const gaps = async (handling: string) => {
      const { body } = await postGraphQL<Gaps>(base, `{ coverageGaps(areaCode: "${KAIYANG}", itemCode: "${ITEM}", first: 60${handling}) { villages { village { code township { code } } } } }`, {
        key: await key('export handling gql'),
      });
      expect(body.errors).toBeUndefined();
      return body.data!.coverageGaps.villages;
    };
    const inPerson = await gaps('');
    const township = inPerson[0]!.village.township.code;
    // An online channel for the item in the township of the largest gap: its villages are covered ONLINE.
    await t.db.dataSource.query(
      `INSERT INTO handling_rule (area_code, item_code, online_channels, author_name) VALUES ($1, $2, '[{"kind":"APP","name":"国家医保服务平台","access":null,"note":null}]', 'test')`,
      [township, ITEM],
    );
    try {
      const online = await gaps(', handling: [IN_PERSON, ONLINE]');
      expect(online.map((g) => g.village.code)).toEqual(inPerson.filter((g) => g.village.township.code !== township).map((g) => g.village.code));
      const res = await fetch(`${base}/export/gaps.csv?${QUESTION}&handling=IN_PERSON,ONLINE`, { headers: { authorization: `Bearer ${await key('export handling csv')}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-handling')).toBe('IN_PERSON,ONLINE');
      expect(res.headers.get('content-disposition')).toMatch(/-v\d+-IN_PERSON_ONLINE\.csv"$/);
      const records = parse(Buffer.from(await res.arrayBuffer()).subarray(3).toString('utf8')) as string[][];
      expect(records.slice(1).map((r) => r[1])).toEqual(online.map((g) => g.village.code));
      const bad = await status(`/export/gaps.csv?${QUESTION}&handling=IN_PERSON,BY_POST`, await key('export handling bad'));
      expect([bad.status, bad.code]).toEqual([400, 'BAD_USER_INPUT']);
      expect(bad.text).toMatch(/handling must be a comma-separated list of IN_PERSON, ASSISTED, ONLINE/);
      const refused = await status(`/export/suggestions.csv?${QUESTION}&handling=ONLINE`, await key('export handling suggestions'));
      expect([refused.status, refused.code]).toEqual([400, 'BAD_USER_INPUT']);
    } finally {
      await t.db.dataSource.query(`DELETE FROM handling_rule WHERE area_code = $1 AND item_code = $2`, [township, ITEM]);
    }
  });

  it('spends from the key\'s GraphQL budget: 429 RATE_LIMITED with Retry-After when it cannot pay, nothing computed', async () => {
    const path = `/export/gaps.csv?${QUESTION}`;
    const first = await status(path, keys.budget);
    expect(first.status).toBe(200);
    const second = await status(path, keys.budget);
    expect([second.status, second.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(second.headers.get('ratelimit-remaining')).toBe(String(300 - 186));
  });
});
