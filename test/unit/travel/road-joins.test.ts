import CheapRuler from 'cheap-ruler';
import fs from 'node:fs';
import path from 'node:path';
import { roadGraph } from '../../../src/road/road-graph';
import { roadWaysFromGeoJson } from '../../../src/road/road-ways-from-geojson';
import { splitRoadWays } from '../../../src/road/split-road-ways';
import { RoadModeCosts } from '../../../src/travel/road-mode-costs';
import { RoadNetwork, type RoadEdgeInput, type RoadNodeInput } from '../../../src/travel/road-network';
import { DEFAULT_ROAD_SPEEDS } from '../../../src/travel/road-speeds';
import { DEFAULT_JOIN_SLACK_METERS, DEFAULT_MAX_JOINS, RoadModel, type RoadModelOptions } from '../../../src/travel/road.model';
import { TestPoints, TestVillages } from '../../helpers/road-places';

/**
 * A place joins more than its nearest usable road (RoadModel's joins): test/fixtures/road/dead-end-one-way.geojson, read
 * as `npm run roads -- import` reads GeoJSON, is a two-way tertiary road (沿河路, west end W, a junction J 1 km east)
 * and a service road from J to a dead end D, one-way away from D (oneway=-1, drawn J → D). A clinic stands 4 m past D,
 * 383 m north of the tertiary road; a village 50 m north of the road, 100 m from W. The clinic's nearest usable way
 * is the service road, which no car can drive towards it: with the old rule (the nearest way alone) the clinic is out
 * of every car's reach. Its second join, the tertiary road 383 m off, within the 500 m slack, brings it back: the
 * village's minutes by car are worked out here from the fixture's coordinates (walk to the road, drive along it,
 * walk up to the clinic) and the speed table.
 */

const FIXTURE = path.resolve(__dirname, '../../fixtures/road/dead-end-one-way.geojson');
const STRAIGHT_LINE = { speedsKmh: { WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 }, detourFactor: 1.3 };
const ROAD_LAT = 27.08;
const CLINIC: [number, number] = [107.114135, 27.083457];
const VILLAGE: [number, number] = [107.101008, 27.080451];

/** The fixture through the importer's GeoJSON reader, junction splitting and graph, as RoadNetwork input. */
function fixtureNetwork(): RoadNetwork {
  const ways = roadWaysFromGeoJson(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')));
  const edges = splitRoadWays(ways);
  const graph = roadGraph(ways, edges);
  const nodes: RoadNodeInput[] = Array.from(graph.nodeVertex, (v) => ({ lon: ways.vertexLon[v]!, lat: ways.vertexLat[v]! }));
  const inputs: RoadEdgeInput[] = Array.from(graph.edgeIndex, (e, i) => {
    const tags = ways.wayTags[edges.way[e]!]!;
    const geometry = Array.from(edges.vertices.subarray(edges.start[e]!, edges.start[e + 1]!), (v) => [ways.vertexLon[v]!, ways.vertexLat[v]!] as [number, number]);
    return { from: graph.edgeSource[i]!, to: graph.edgeTarget[i]!, lengthMeters: edges.lengthMeters[e]!, highway: tags.highway, oneway: tags.oneway === 1 ? true : tags.oneway === -1 ? 'reverse' : false, geometry };
  });
  return RoadNetwork.build(nodes, inputs, 'dead-end-one-way');
}

/** Minutes for `meters` at `kmh`. */
const minutes = (meters: number, kmh: number): number => meters / ((kmh * 1000) / 60);

describe('a place whose nearest road is a dead-end one-way street joins the next road too', () => {
  const network = fixtureNetwork();
  const field = (mode: 'CAR' | 'WALK', options: Partial<RoadModelOptions> = {}) => {
    const model = new RoadModel({ network, straightLine: STRAIGHT_LINE, ...options });
    return model.createField(new TestVillages([VILLAGE]), new TestPoints([CLINIC]), [0], mode);
  };
  // By hand: the village walks straight south to the road, drives east along it to below the clinic, and walks north.
  const ruler = new CheapRuler(ROAD_LAT, 'meters');
  const villageWalk = new CheapRuler(VILLAGE[1], 'meters').distance(VILLAGE, [VILLAGE[0], ROAD_LAT]);
  const clinicWalk = new CheapRuler(CLINIC[1], 'meters').distance(CLINIC, [CLINIC[0], ROAD_LAT]);
  const drive = ruler.distance([VILLAGE[0], ROAD_LAT], [CLINIC[0], ROAD_LAT]);
  const byCar = minutes(villageWalk, 4) + minutes(drive, 35) + minutes(clinicWalk, 4);

  it('reads the fixture as three ways: the tertiary road cut at the junction, and the one-way service road', () => {
    expect(network.wayCount).toBe(3);
    expect([...network.wayOneway].sort()).toEqual([-1, 0, 0]);
    // The clinic's joins for cars: the service road 3 m off, then the tertiary road east of the junction 383 m off;
    // its west half (nearest at the junction, 555 m off) lies beyond the nearest + the 500 m slack.
    const costs = new RoadModeCosts(network, DEFAULT_ROAD_SPEEDS, 'CAR');
    const joins = network.joins(...CLINIC, costs.snappable, 50_000, DEFAULT_JOIN_SLACK_METERS, DEFAULT_MAX_JOINS);
    expect(joins.map((j) => network.wayOneway[j.way])).toEqual([-1, 0]);
    expect(joins[0]!.offRoadMeters).toBeCloseTo(3.6, 0);
    expect(joins[1]!.offRoadMeters).toBeCloseTo(clinicWalk, 1);
    expect(joins[1]!.fraction).toBeCloseTo(402 / 2000, 2);
    const wider = network.joins(...CLINIC, costs.snappable, 50_000, 600, DEFAULT_MAX_JOINS);
    expect(wider.map((j) => Math.round(j.offRoadMeters))).toEqual([4, 383, 555]);
    // The nearest way alone (the old rule): the service road.
    expect(network.snap(...CLINIC, costs.snappable, 50_000)).toEqual(joins[0]);
  });

  it('by car, the village reaches the clinic through its second join (the tertiary road), at the minutes worked out by hand', () => {
    const f = field('CAR');
    expect(f.offNetwork[0]).toBe(0);
    expect(f.nearest[0]).toBe(0);
    expect(f.cost[0]).toBeCloseTo(byCar, 2); // ≈ 0.75 + 2.23 + 5.74 min
    expect(f.cost[0]).toBeGreaterThan(8.6);
    // The single-place questions join the same way.
    expect(f.nearestOrigins(...VILLAGE, 1)[0]!.cost).toBeCloseTo(byCar, 2);
    expect(f.costsBetween(...VILLAGE, [CLINIC])[0]).toBeCloseTo(byCar, 2);
    expect(f.reachFrom(...CLINIC, 60).costs[0]).toBeCloseTo(byCar, 2);
  });

  it('with the old rule (the nearest way alone) the clinic is out of every car\'s reach', () => {
    const f = field('CAR', { maxJoins: 1 });
    expect(f.nearest[0]).toBe(-1);
    expect(Number.isNaN(f.cost[0]!)).toBe(true);
    expect(f.nearestOrigins(...VILLAGE, 1)).toEqual([]);
    // A slack of 0 is the same rule.
    expect(field('CAR', { joinSlackMeters: 0 }).nearest[0]).toBe(-1);
  });

  it('on foot the service road serves both ways: the walker takes it, under either rule', () => {
    // Walk 50 m, 900 m along the road to the junction, 552 m up the service road, 3 m to the clinic.
    const serviceMeters = network.wayLengthMeters[network.wayOneway.indexOf(-1)]!;
    const junction = ruler.distance([VILLAGE[0], ROAD_LAT], [107.110082, ROAD_LAT]);
    const byService = minutes(villageWalk, 4) + minutes(junction + serviceMeters, 5) + minutes(3.6, 4);
    const viaRoad = minutes(villageWalk, 4) + minutes(drive, 5) + minutes(clinicWalk, 4);
    expect(byService).toBeLessThan(viaRoad);
    for (const options of [{}, { maxJoins: 1 }]) expect(field('WALK', options).cost[0]).toBeCloseTo(byService, 1);
  });
});
