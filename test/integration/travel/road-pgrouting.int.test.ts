import { Client } from 'pg';
import { emptyRoadLabels, roadDijkstra, RoadDirection } from '../../../src/travel/road-dijkstra';
import { RoadModeCosts } from '../../../src/travel/road-mode-costs';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS } from '../../../src/travel/road-speeds';
import type { TravelModeName } from '../../../src/travel/travel-model';
import { testDatabaseKind, testDatabaseUrl } from '../../helpers/test-env';

/**
 * The road model's multi-source Dijkstra against pgRouting's (pgr_dijkstraCost from every source to every node, the
 * nearest kept), on the same graph loaded into the server: every mode, both directions (from the points, and
 * towards them as coverage asks, which for cars on one-way streets differs). pgRouting needs the PostgreSQL server
 * (Debian's postgresql-15-pgrouting, which .ci/run installs); the embedded database has none, and there the
 * property test against a plain Dijkstra (test/unit/travel/road-field.property.test.ts) stands in.
 */

const MODES: TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];
const CLASSES = ['primary', 'secondary', 'tertiary', 'residential', 'track', 'footway', 'motorway', 'unclassified'];

/** A seeded jittered grid around Kaiyang: rows and the first column always linked, other links, classes and one-ways random. */
function grid(seed: number, size: number): { nodes: RoadNodeInput[]; edges: RoadEdgeInput[] } {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const nodes: RoadNodeInput[] = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) nodes.push({ lon: 106.9 + c * 0.01 + random() * 0.003, lat: 27.0 + r * 0.01 + random() * 0.003 });
  const edges: RoadEdgeInput[] = [];
  const link = (from: number, to: number) => {
    const a = nodes[from]!;
    const b = nodes[to]!;
    const meters = Math.hypot((b.lon - a.lon) * 99_000, (b.lat - a.lat) * 111_000) * (1 + random() * 0.4);
    const roll = random();
    edges.push({ from, to, lengthMeters: meters, highway: CLASSES[Math.floor(random() * CLASSES.length)]!, oneway: roll < 0.15 ? true : roll < 0.2 ? 'reverse' : false, ...(random() < 0.2 ? { maxspeedKmh: 40 } : {}) });
  };
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = r * size + c;
      if (c + 1 < size) link(i, i + 1);
      if (r + 1 < size && (c === 0 || random() < 0.7)) link(i, i + size);
    }
  }
  return { nodes, edges };
}

const onServer = testDatabaseKind() === 'server';
const describeOnServer = onServer ? describe : describe.skip;
if (!onServer) console.log('road-pgrouting: skipped on the embedded database (no pgRouting; the plain-Dijkstra property test covers it). Run npm test with DATABASE_URL for it.');

describeOnServer('road Dijkstra against pgRouting (integration, PostgreSQL server)', () => {
  let db: Client;
  let available = true;
  const network = (() => {
    const g = grid(20261204, 24);
    return RoadNetwork.build(g.nodes, g.edges, 'pgrouting-check');
  })();
  const sources = [0, 57, 300, 431, 575];

  beforeAll(async () => {
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS pgrouting');
    } catch (err) {
      available = false;
      // CI installs postgresql-15-pgrouting and requires this test; elsewhere one line says how to enable it.
      if (process.env.CI) throw err;
      console.log(`road-pgrouting: skipped, pgRouting is not installed on this server (apt-get install postgresql-15-pgrouting): ${(err as Error).message}`);
    }
  });
  afterAll(async () => {
    await db?.end();
  });

  it.each(MODES.flatMap((mode) => [RoadDirection.FROM_SOURCES, RoadDirection.TO_SOURCES].map((direction) => [mode, direction] as const)))(
    '%s, direction %s: every node at the minutes pgr_dijkstraCost gives (within 1e-6 min)',
    async (mode, direction) => {
      if (!available) return;
      const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, mode);
      const labels = emptyRoadLabels(network.nodeCount);
      roadDijkstra(costs, direction, labels, sources.map((node, source) => ({ node, minutes: 0, source })), Number.POSITIVE_INFINITY, (a, b) => a < b);

      // pgRouting's edges: forward along the way from its from node, reverse back; -1 where the mode may not go.
      // Towards the sources is the same search over the reversed graph: the two costs swap.
      const rows: { id: number; source: number; target: number; cost: number; reverse_cost: number }[] = [];
      for (let w = 0; w < network.wayCount; w++) {
        const m = costs.wayMinutes[w]!;
        const forward = Number.isFinite(m) && costs.forwardOpen(w) ? m : -1;
        const backward = Number.isFinite(m) && costs.backwardOpen(w) ? m : -1;
        const [cost, reverse] = direction === RoadDirection.FROM_SOURCES ? [forward, backward] : [backward, forward];
        rows.push({ id: w + 1, source: network.wayFrom[w]! + 1, target: network.wayTo[w]! + 1, cost, reverse_cost: reverse });
      }
      await db.query('CREATE TEMP TABLE IF NOT EXISTS road_check (id bigint, source bigint, target bigint, cost float8, reverse_cost float8)');
      await db.query('TRUNCATE road_check');
      await db.query(
        `INSERT INTO road_check SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::float8[], $5::float8[])`,
        [rows.map((r) => r.id), rows.map((r) => r.source), rows.map((r) => r.target), rows.map((r) => r.cost), rows.map((r) => r.reverse_cost)],
      );
      // Every source to every node (pgr_dijkstraCost, many to many), the nearest source's cost kept per node.
      const { rows: reached } = await db.query<{ node: string; agg_cost: number }>(
        `SELECT end_vid AS node, min(agg_cost) AS agg_cost
           FROM pgr_dijkstraCost('SELECT id, source, target, cost, reverse_cost FROM road_check', $1::bigint[], $2::bigint[], directed => true)
          GROUP BY end_vid`,
        [sources.map((n) => n + 1), Array.from({ length: network.nodeCount }, (_, i) => i + 1)],
      );
      // A source reaches itself at 0 (pgr_dijkstraCost leaves out start = end).
      for (const s of sources) reached.push({ node: String(s + 1), agg_cost: 0 });
      const theirs = new Map(reached.map((r) => [Number(r.node) - 1, Number(r.agg_cost)]));
      let compared = 0;
      for (let node = 0; node < network.nodeCount; node++) {
        const ours = labels.minutes[node]!;
        const pg = theirs.get(node);
        if (pg === undefined) {
          expect(ours).toBe(Number.POSITIVE_INFINITY); // unreachable for this mode both ways
          continue;
        }
        expect(Math.abs(ours - pg)).toBeLessThan(1e-6);
        compared++;
      }
      expect(compared).toBeGreaterThan(network.nodeCount / 4);
    },
  );
});
