import { CoverageRepository } from '../../../src/coverage/coverage.repository';
import { createTestApp, type TestApp } from '../../helpers/test-app';
import { soleCoveringStation } from '../../helpers/coverage-fixtures';
import { decodeTile } from '../../helpers/vector-tile';

/**
 * The race of the hardening issue, made deterministic: a write lands while the engine is still loading the
 * previous version. A request that read the newer version must get an answer computed from that version (or a
 * newer one), labelled with the version it was computed from, and nothing older may be cached or ETagged under
 * the newer version. The engine's step (a snapshot load, or the change feed read to patch it) is held at a gate:
 * it reads from the real database, then waits, so the interleaving is the same on every run.
 */

const AREA = '520121';
const ITEM = 'CHRONIC_DISEASE_CERT';
const MODE = 'WALK';
const MINUTES = 15;
/** WALK 5 km/h for 15 min with road distance ≈ 1.3 × straight line (the test configuration's defaults). */
const RADIUS_METERS = (5000 / 60) * MINUTES / 1.3;

const COVERAGE = /* GraphQL */ `
  query ($areaCode: ID!, $itemCode: ID, $mode: TravelMode, $minutes: Float) {
    coverage(areaCode: $areaCode, itemCode: $itemCode, mode: $mode, minutes: $minutes) {
      coveredVillageCount provenance { dataVersion }
    }
  }`;
interface CoverageAnswer {
  coverage: { coveredVillageCount: number; provenance: { dataVersion: string } };
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Slippy-map tile of a position at zoom z. */
function tileOf(longitude: number, latitude: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const lat = (latitude * Math.PI) / 180;
  return { x: Math.floor(((longitude + 180) / 360) * n), y: Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n) };
}

describe('version-true answers when a write lands while the engine loads', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ url } = await t.app.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    t.app.httpServer.close();
    await t.close();
  });

  const version = async (): Promise<string> => ((await t.db.dataSource.query('SELECT version::text AS v FROM data_version')) as { v: string }[])[0]!.v;
  /** The truth, computed independently of the service: villages of AREA with an ACTIVE point offering ITEM within the radius. */
  const truth = async (): Promise<{ covered: number; version: string }> =>
    t.db.dataSource.transaction('REPEATABLE READ', async (m) => {
      const [{ v }] = (await m.query('SELECT version::text AS v FROM data_version')) as { v: string }[];
      const [{ n }] = (await m.query(
        `SELECT count(*)::int AS n FROM village v WHERE v.code LIKE $1 || '%' AND EXISTS (
           SELECT 1 FROM service_point sp JOIN service_point_item i ON i.service_point_id = sp.id AND i.item_code = $2
           WHERE sp.status = 'ACTIVE' AND ST_DWithin(sp.location, v.location, $3))`,
        [AREA, ITEM, RADIUS_METERS],
      )) as { n: number }[];
      return { covered: n, version: v! };
    });
  const ask = async (): Promise<CoverageAnswer['coverage']> => {
    const r = await t.execute<CoverageAnswer>(COVERAGE, { areaCode: AREA, itemCode: ITEM, mode: MODE, minutes: MINUTES });
    expect(r.errors).toBeUndefined();
    return r.data!.coverage;
  };
  const villageTile = async (z: number, x: number, y: number) => {
    const res = await fetch(`${url}/tiles/villages/${z}/${x}/${y}.mvt?item=${ITEM}&mode=${MODE}&minutes=${MINUTES}`);
    expect(res.status).toBe(200);
    const layer = decodeTile(new Uint8Array(await res.arrayBuffer())).villages!;
    const covered = new Map<string, boolean>();
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      covered.set(String(f.properties.code), f.properties.covered === true);
    }
    return { etag: res.headers.get('etag'), covered };
  };

  it('a request that read version N is answered from N (not from the load in flight), and N is never cached with an older answer', async () => {
    // A township station that some village has as its only counted point within the radius.
    const sole = await soleCoveringStation(t.db.dataSource, AREA, ITEM, RADIUS_METERS);
    expect(sole).toBeDefined();
    const z = 12;
    const { x, y } = tileOf(sole!.longitude, sole!.latitude, z);

    const open = await truth();
    const warm = await ask(); // the engine is loaded at the version before the writes
    expect(warm.coveredVillageCount).toBe(open.covered);
    expect((await villageTile(z, x, y)).covered.get(sole!.villageCode)).toBe(true);

    // Hold the engine's next step (a snapshot load, or reading the change feed to patch it) after it has read
    // from the database.
    const snapshotRead = deferred();
    const gate = deferred();
    let held = false;
    for (const method of ['loadSnapshot', 'changesSince'] as const) {
      const read = CoverageRepository.prototype[method] as (this: CoverageRepository, ...args: unknown[]) => Promise<unknown>;
      jest.spyOn(CoverageRepository.prototype, method).mockImplementation(async function (this: CoverageRepository, ...args: unknown[]) {
        const result = await read.apply(this, args);
        if (!held) {
          held = true;
          snapshotRead.resolve();
          await gate.promise;
        }
        return result as never;
      });
    }

    try {
      await t.db.dataSource.query(`UPDATE service_point SET status = 'CLOSED' WHERE id = $1`, [sole!.id]);
      const closed = await truth();
      expect(closed.covered).toBeLessThan(open.covered);

      // A reads the closed version and starts the engine load, which reads its snapshot and waits at the gate.
      const a = ask();
      await snapshotRead.promise;

      // The station reopens; B (a query and a tile) reads this newest version while A's load is still in flight.
      await t.db.dataSource.query(`UPDATE service_point SET status = 'ACTIVE' WHERE id = $1`, [sole!.id]);
      const reopened = await truth();
      expect(reopened.covered).toBe(open.covered);
      const b = ask();
      const bTile = villageTile(z, x, y);
      // Let B read the version and reach the engine before the held load finishes (it may also finish on its own).
      await Promise.race([Promise.all([b, bTile]), new Promise((r) => setTimeout(r, 300))]);
      gate.resolve();

      const answerA = await a;
      expect(Number(answerA.provenance.dataVersion)).toBeGreaterThanOrEqual(Number(closed.version));
      const answerB = await b;
      expect(answerB).toEqual({ coveredVillageCount: reopened.covered, provenance: { dataVersion: reopened.version } });
      expect((await bTile).covered.get(sole!.villageCode)).toBe(true);

      // Asked again at the same version (response cache, tile cache, ETag): still the truth of that version.
      expect(await version()).toBe(reopened.version);
      for (const again of await Promise.all([ask(), ask(), ask(), ask()])) {
        expect(again).toEqual({ coveredVillageCount: reopened.covered, provenance: { dataVersion: reopened.version } });
      }
      const tileAgain = await villageTile(z, x, y);
      expect(tileAgain.covered.get(sole!.villageCode)).toBe(true);
      expect(tileAgain.etag).toContain(`-v${reopened.version}-`);
    } finally {
      gate.resolve();
      jest.restoreAllMocks();
      await t.db.dataSource.query(`UPDATE service_point SET status = 'ACTIVE' WHERE id = $1`, [sole!.id]);
    }
  });
});
