import { Geodesic } from 'geographiclib-geodesic';
import { createTestApp, type TestApp } from '../../helpers/test-app';

interface PointNode {
  id: string;
  kind: string;
  longitude: number;
  latitude: number;
  items: { code: string }[];
  area: { code: string };
}
interface PointsData {
  servicePoints: {
    totalCount: number;
    edges: { cursor: string; distanceMeters: number | null; node: PointNode }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const PAGE = /* GraphQL */ `
  query Page($first: Int, $after: String, $filter: ServicePointFilter) {
    servicePoints(first: $first, after: $after, filter: $filter) {
      totalCount
      edges { cursor distanceMeters node { id kind longitude latitude items { code } area { code } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

describe('service-point directory', () => {
  let t: TestApp;
  const page = async (variables: Record<string, unknown>) => {
    const result = await t.execute<PointsData>(PAGE, variables);
    expect(result.errors).toBeUndefined();
    return result.data!.servicePoints;
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("returns Kaiyang's 182 points with their items", async () => {
    const result = await page({ first: 500, filter: { areaCode: '520121' } });
    expect(result.totalCount).toBe(182);
    expect(result.edges).toHaveLength(182);
    expect(result.pageInfo.hasNextPage).toBe(false);
    const byKind = (kind: string) => result.edges.filter((e) => e.node.kind === kind);
    expect(byKind('VILLAGE_POINT').every((e) => e.node.items.length === 5)).toBe(true);
    expect(byKind('TOWNSHIP_STATION').every((e) => e.node.items.length === 19)).toBe(true);
    expect(byKind('COUNTY_HALL')[0].node.items).toHaveLength(24);
    expect(result.edges.every((e) => e.node.area.code.startsWith('520121'))).toBe(true);
  });

  it('pages with stable cursors: pages of 25 concatenate to the single page', async () => {
    const all = (await page({ first: 500, filter: { areaCode: '520121' } })).edges.map((e) => e.node.id);
    const collected: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p: PointsData['servicePoints'] = await page({ first: 25, after, filter: { areaCode: '520121' } });
      collected.push(...p.edges.map((e) => e.node.id));
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(collected).toEqual(all);
    expect([...collected].sort()).toEqual(collected);
  });

  it('filters by kind, status and item', async () => {
    expect((await page({ first: 0, filter: { areaCode: '520121', kinds: ['TOWNSHIP_STATION'] } })).totalCount).toBe(18);
    expect((await page({ first: 0, filter: { areaCode: '3504', kinds: ['VILLAGE_POINT'], status: ['PLANNED'] } })).totalCount).toBe(3);
    expect((await page({ first: 0, filter: { areaCode: '3504', kinds: ['VILLAGE_POINT'], status: ['CLOSED'] } })).totalCount).toBe(2);
    // A township item is offered by the hall and the 18 stations, and by the hospital stations that list it.
    const chronic = await page({ first: 500, filter: { areaCode: '520121', itemCode: 'CHRONIC_DISEASE_CERT' } });
    expect(chronic.edges.every((e) => e.node.items.some((i) => i.code === 'CHRONIC_DISEASE_CERT'))).toBe(true);
    expect(chronic.edges.filter((e) => e.node.kind !== 'HOSPITAL_STATION')).toHaveLength(19);
    // Only the hall handles county-level items.
    expect((await page({ first: 0, filter: { areaCode: '520121', itemCode: 'APPEAL' } })).totalCount).toBe(1);
  });

  it('orders by geodesic distance with `near`, matching an independent WGS-84 computation (Karney) within 1 mm', async () => {
    const origin = { longitude: 107.0, latitude: 27.1 };
    const near = { ...origin, radiusMeters: 15000 };
    const result = await page({ first: 500, filter: { near } });
    expect(result.totalCount).toBe(result.edges.length);
    expect(result.edges.length).toBeGreaterThan(10);
    let previous = -1;
    for (const { node, distanceMeters } of result.edges) {
      const expected = Geodesic.WGS84.Inverse(origin.latitude, origin.longitude, node.latitude, node.longitude).s12!;
      expect(Math.abs(distanceMeters! - expected)).toBeLessThan(0.001);
      expect(distanceMeters!).toBeLessThanOrEqual(15000);
      expect(distanceMeters!).toBeGreaterThanOrEqual(previous);
      previous = distanceMeters!;
    }
    // Nothing just outside the circle was left out: the nearest excluded point is beyond the radius.
    const wider = await page({ first: 500, filter: { near: { ...near, radiusMeters: 20000 } } });
    const inside = new Set(result.edges.map((e) => e.node.id));
    for (const e of wider.edges) if (!inside.has(e.node.id)) expect(e.distanceMeters!).toBeGreaterThan(15000);
  });

  it('pages by distance without skipping or repeating, and refuses a cursor from another origin', async () => {
    const near = { longitude: 117.6, latitude: 26.25, radiusMeters: 30000 };
    const single = (await page({ first: 500, filter: { near } })).edges.map((e) => e.node.id);
    const collected: string[] = [];
    let after: string | null = null;
    let last: PointsData['servicePoints'];
    do {
      last = await page({ first: 40, after, filter: { near } });
      collected.push(...last.edges.map((e) => e.node.id));
      after = last.pageInfo.endCursor;
    } while (last.pageInfo.hasNextPage);
    expect(single.length).toBeGreaterThan(80);
    expect(collected).toEqual(single);

    const first = await page({ first: 5, filter: { near } });
    const moved = await t.execute(PAGE, { first: 5, after: first.pageInfo.endCursor, filter: { near: { ...near, longitude: 117.61 } } });
    expect(moved.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('batches relations: a page of 100 points with items, area and village costs as many statements as a page of 10', async () => {
    const query = /* GraphQL */ `
      query ($first: Int) {
        servicePoints(first: $first, filter: { areaCode: "3504" }) {
          edges { node { id items { code } area { name parent { name } } village { name township { name } } } }
        }
      }`;
    const countStatements = async (first: number) => {
      let n = 0;
      const stop = t.db.ormLogger.onQuery(() => n++);
      try {
        const r = await t.execute(query, { first });
        expect(r.errors).toBeUndefined();
      } finally {
        stop();
      }
      return n;
    };
    const ten = await countStatements(10);
    const hundred = await countStatements(100);
    expect(hundred).toBe(ten);
    // page, items, areas (+ their parents), villages, their townships: one statement each.
    expect(hundred).toBeLessThanOrEqual(7);
  });
});
