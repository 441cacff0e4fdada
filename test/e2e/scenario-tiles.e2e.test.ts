import { Role } from '../../src/common/role.enum';
import type { Viewer } from '../../src/common/viewer';
import { lonLatToTile, type TileAddress } from '../../src/map/tile-math';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { decodeTile } from '../helpers/vector-tile';

/**
 * Tiles of a saved scenario over real HTTP: the villages layer under `scenario=<id>` agrees with GraphQL's coverage
 * by scenarioId, the live tile stays live, the two have different ETags, and a deleted scenario's tiles are 404.
 */

const ITEM = 'OFFSITE_TREATMENT_FILING';
const PLANNER: Viewer = { kind: 'api-key', keyId: null, name: 'test scenario tiles', roles: [Role.PLANNER, Role.READER], areaCodes: [] };
const ADMIN: Viewer = { kind: 'api-key', keyId: null, name: 'test scenario tiles admin', roles: [Role.ADMIN, Role.PLANNER], areaCodes: [] };

describe('scenario tiles (e2e)', () => {
  let t: TestApp;
  let baseUrl: string;
  let scenarioId: string;
  /** The zoom-10 tile of the first station the scenario closes. */
  let address: TileAddress;
  const path = (query: string) => `/tiles/villages/${address.z}/${address.x}/${address.y}.mvt?item=${ITEM}&mode=EBIKE&minutes=10${query}`;
  const covered = async (query: string) => {
    const res = await fetch(`${baseUrl}${path(query)}`);
    expect(res.status).toBe(200);
    const layer = decodeTile(Buffer.from(await res.arrayBuffer())).villages;
    const byCode = new Map<string, boolean>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      byCode.set(String(f.properties.code), Boolean(f.properties.covered));
    }
    return { etag: res.headers.get('etag'), byCode };
  };
  const graphql = async (scenario: string | null) => {
    const r = await t.execute<{ coverage: { villages: { edges: { node: { village: { code: string }; covered: boolean } }[] } } }>(
      `query($id: ID) { coverage(areaCode: "520121", itemCode: "${ITEM}", mode: EBIKE, minutes: 10, scenarioId: $id) { villages(first: 500) { edges { node { village { code } covered } } } } }`,
      { id: scenario },
      PLANNER,
    );
    expect(r.errors).toBeUndefined();
    return new Map(r.data!.coverage.villages.edges.map(({ node }) => [node.village.code, node.covered]));
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ url: baseUrl } = await t.app.listen(0, '127.0.0.1'));
    // Close every point of the county offering the item (stations, hospitals, the hall): a change the tile must show.
    const rows = (await t.db.dataSource.query(
      `SELECT sp.id, ST_X(sp.location::geometry) AS lon, ST_Y(sp.location::geometry) AS lat FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $1
        WHERE sp.area_code LIKE '520121%' AND sp.status = 'ACTIVE' ORDER BY sp.id`,
      [ITEM],
    )) as { id: string; lon: number; lat: number }[];
    const stations = rows.map((r) => r.id);
    address = lonLatToTile(Number(rows[0]!.lon), Number(rows[0]!.lat), 10);
    const saved = await t.execute<{ saveScenario: { id: string } }>(
      `mutation($scenario: ScenarioInput!) { saveScenario(name: "test tiles", areaCode: "520121", scenario: $scenario) { id } }`,
      { scenario: { close: stations } },
      PLANNER,
    );
    expect(saved.errors).toBeUndefined();
    scenarioId = saved.data!.saveScenario.id;
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM scenario WHERE name = 'test tiles'`);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity = 'scenario' AND entity_key = $1`, [scenarioId]);
    await t.close();
  });

  it('draws the villages as GraphQL answers them under the scenario, apart from the live tile', async () => {
    const live = await covered('');
    const scenario = await covered(`&scenario=${scenarioId}`);
    expect(scenario.etag).not.toBe(live.etag);
    const [liveGraphql, scenarioGraphql] = [await graphql(null), await graphql(scenarioId)];
    let differing = 0;
    for (const [code, c] of scenario.byCode) {
      if (!liveGraphql.has(code)) continue; // villages of other counties in the tile
      expect(c).toBe(scenarioGraphql.get(code));
      expect(live.byCode.get(code)).toBe(liveGraphql.get(code));
      if (c !== live.byCode.get(code)) differing++;
    }
    expect(differing).toBeGreaterThan(0);
  });

  it('refuses a malformed scenario id (400) and answers a deleted one 404', async () => {
    const malformed = await fetch(`${baseUrl}${path('&scenario=nope')}`);
    expect(malformed.status).toBe(400);
    await covered(`&scenario=${scenarioId}`); // rendered and kept
    const deleted = await t.execute(`mutation($id: ID!) { deleteScenario(id: $id) }`, { id: scenarioId }, ADMIN);
    expect(deleted.errors).toBeUndefined();
    const gone = await fetch(`${baseUrl}${path(`&scenario=${scenarioId}`)}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('NOT_FOUND');
  });
});
