import { performance } from 'node:perf_hooks';
import { emptyRoadLabels, RoadDirection, roadDijkstra, type RoadSeed } from '../src/travel/road-dijkstra';
import { RoadModeCosts } from '../src/travel/road-mode-costs';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS } from '../src/travel/road-speeds';
import { RoadModel } from '../src/travel/road.model';
import type { PointPlaces, VillagePlaces } from '../src/travel/places';
import type { TravelModeName } from '../src/travel/travel-model';

/**
 * The road model at province scale, on a synthetic network (not wired into `npm run bench` yet):
 * a SIDE × SIDE grid (≥ 2 million nodes, ~240 m apart: about a 350 km square, the size of Fujian), every 20th row
 * and column primary, every 5th tertiary, the rest residential with a track in every 7, one residential way in 9
 * one-way; 60,000 villages and 2,000 points at random (seeded). Prints the time to build the CSR graph and its
 * index, then per mode a field over all villages (village snapping, the multi-source Dijkstra, the village costs;
 * and the bare Dijkstra alone), then one addOrigin and one removeOrigin.
 *
 *   npm run build && node --max-old-space-size=8192 dist/bench/road.bench.js
 */
const SIDE = 1450;
const SPACING_DEG = 0.0024; // ~240 m of latitude, ~215 m of longitude at 26°
const VILLAGES = 60_000;
const POINTS = 2_000;
const MODES: TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];

let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function grid(): { nodes: RoadNodeInput[]; edges: RoadEdgeInput[] } {
  const nodes: RoadNodeInput[] = [];
  for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) nodes.push({ lon: 116 + c * SPACING_DEG, lat: 24 + r * SPACING_DEG });
  const edges: RoadEdgeInput[] = [];
  const cls = (line: number, k: number): string => (line % 20 === 0 ? 'primary' : line % 5 === 0 ? 'tertiary' : k % 7 === 0 ? 'track' : 'residential');
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const i = r * SIDE + c;
      if (c + 1 < SIDE) {
        const highway = cls(r, c);
        edges.push({ from: i, to: i + 1, lengthMeters: 215 * (1 + random() * 0.2), highway, oneway: highway === 'residential' && (r + c) % 9 === 0 });
      }
      if (r + 1 < SIDE) edges.push({ from: i, to: i + SIDE, lengthMeters: 267 * (1 + random() * 0.2), highway: cls(c, r), oneway: false, maxspeedKmh: c % 20 === 0 ? 60 : undefined });
    }
  }
  return { nodes, edges };
}

function places(count: number): [number, number][] {
  const extent = (SIDE - 1) * SPACING_DEG;
  return Array.from({ length: count }, () => [116 + random() * extent, 24 + random() * extent]);
}

function villageTable(ps: [number, number][]): VillagePlaces {
  return {
    size: ps.length,
    longitude: Float64Array.from(ps, (p) => p[0]),
    latitude: Float64Array.from(ps, (p) => p[1]),
    inBox: () => [],
  };
}

function pointTable(ps: [number, number][]): PointPlaces & { places: [number, number][] } {
  return { places: ps, longitude: (p) => ps[p]![0], latitude: (p) => ps[p]![1], id: (p) => `P${String(p).padStart(5, '0')}` };
}

const ms = (start: number): string => `${(performance.now() - start).toFixed(1)} ms`;

function main(): void {
  let t = performance.now();
  const { nodes, edges } = grid();
  console.log(`input: ${nodes.length.toLocaleString('en')} nodes, ${edges.length.toLocaleString('en')} ways, generated in ${ms(t)}`);
  t = performance.now();
  const network = RoadNetwork.build(nodes, edges, 'synthetic-province');
  console.log(`CSR graph + KDBush index: ${ms(t)} (${network.edgeCount.toLocaleString('en')} directed edges, ~${Math.round(network.bytes / 1e6)} MB)`);
  const villages = villageTable(places(VILLAGES));
  const points = pointTable(places(POINTS + 2));
  const origins = Array.from({ length: POINTS }, (_, i) => i);
  const model = new RoadModel({ network, straightLine: { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 } });
  for (const mode of MODES) {
    const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, mode);
    const seeds: RoadSeed[] = [];
    t = performance.now();
    for (const p of origins) {
      const s = network.snap(points.places[p]![0], points.places[p]![1], costs.snappable, 50_000)!;
      seeds.push({ node: network.wayFrom[s.way]!, minutes: 0, source: p }, { node: network.wayTo[s.way]!, minutes: 0, source: p });
    }
    const labels = emptyRoadLabels(network.nodeCount);
    t = performance.now();
    roadDijkstra(costs, RoadDirection.TO_SOURCES, labels, seeds, 240, (a, b) => a < b);
    const bare = ms(t);
    t = performance.now();
    const field = model.createField(villages, points, origins, mode);
    const build = ms(t);
    let covered = 0;
    let off = 0;
    for (let v = 0; v < VILLAGES; v++) {
      if (field.cost[v]! <= 15) covered++;
      off += field.offNetwork[v]!;
    }
    t = performance.now();
    field.addOrigin(POINTS);
    const add = ms(t);
    points.places[POINTS + 1] = [117.5, 25.5];
    t = performance.now();
    field.addOrigin(POINTS + 1);
    const add2 = ms(t);
    t = performance.now();
    field.removeOrigin(POINTS);
    const remove = ms(t);
    t = performance.now();
    const near = field.nearestOrigins(117.7, 25.6, 5);
    const nearest = ms(t);
    console.log(
      `${mode.padEnd(7)} field ${build} (bare multi-source Dijkstra ${bare}); addOrigin ${add}, another ${add2}; removeOrigin ${remove}; nearestOrigins(5) ${nearest}; ` +
        `${covered.toLocaleString('en')} villages within 15 min, ${off} off the network, nearest of one place ${near[0]?.cost.toFixed(1)} min`,
    );
  }
}

main();
