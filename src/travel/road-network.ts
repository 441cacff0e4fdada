import CheapRuler from 'cheap-ruler';
import KDBush from 'kdbush';
import { roadClassIndex } from './road-speeds';

export interface RoadNodeInput {
  readonly lon: number;
  readonly lat: number;
}

/** One OSM way segment between two nodes (the importer splits ways at junctions and keeps the length it measured along the geometry). */
export interface RoadEdgeInput {
  readonly from: number;
  readonly to: number;
  readonly lengthMeters: number;
  readonly highway: string;
  /** true: only from → to; 'reverse' (OSM oneway=-1): only to → from. Cars only: walkers and cyclists go both ways. */
  readonly oneway: boolean | 'reverse';
  readonly maxspeedKmh?: number;
  /** A ferry's duration (OSM `duration`), which replaces length ÷ speed. */
  readonly ferryMinutes?: number;
}

/** Where a place joins the network: a point on way `way` at `fraction` of it from its `from` node. */
export interface RoadSnap {
  readonly way: number;
  /** 0 at the way's from node, 1 at its to node (along the straight segment between them, applied to the way's length). */
  readonly fraction: number;
  /** Straight-line metres from the place to that point (cheap-ruler at the place's latitude). */
  readonly offRoadMeters: number;
}

/** Spacing of the extra index points put along ways longer than it, so that a way's every point is within half of it from an indexed one. */
const SAMPLE_METERS = 200;

/**
 * A directed road graph in CSR arrays. Each input edge is one "way" (its attributes kept per way) and two directed
 * edges, one each way, whatever its one-way tag: walkers and cyclists use both, and cars read `edgeOneway`
 * (0: both ways; 1: this direction is the one-way's; 2: this direction runs against it), so one graph serves every
 * mode and both search directions (the reverse of edge u→v is its twin v→u, with the same way and length).
 * A KDBush index over the nodes and over points every SAMPLE_METERS along long ways finds the ways near a place.
 */
export class RoadNetwork {
  readonly nodeCount: number;
  readonly wayCount: number;
  readonly nodeLon: Float64Array;
  readonly nodeLat: Float64Array;
  /** Directed edges of node u: edgeOffsets[u] … edgeOffsets[u + 1] − 1. */
  readonly edgeOffsets: Uint32Array;
  readonly edgeTarget: Uint32Array;
  readonly edgeWay: Uint32Array;
  readonly edgeOneway: Uint8Array;
  readonly edgeLengthMeters: Float64Array;
  readonly edgeClass: Uint8Array;
  readonly wayFrom: Uint32Array;
  readonly wayTo: Uint32Array;
  readonly wayLengthMeters: Float64Array;
  readonly wayClass: Uint8Array;
  /** 0 two-way, 1 one-way from → to, −1 one-way to → from (cars only). */
  readonly wayOneway: Int8Array;
  /** 0 when the way has no maxspeed. */
  readonly wayMaxspeedKmh: Float32Array;
  /** NaN when the way is not a ferry with a duration. */
  readonly wayFerryMinutes: Float64Array;
  private readonly index: KDBush;
  /** Index item − nodeCount → the way it was sampled on. */
  private readonly sampleWay: Uint32Array;

  private constructor(
    readonly name: string,
    nodes: readonly RoadNodeInput[],
    edges: readonly RoadEdgeInput[],
  ) {
    const n = nodes.length;
    const m = edges.length;
    this.nodeCount = n;
    this.wayCount = m;
    this.nodeLon = new Float64Array(n);
    this.nodeLat = new Float64Array(n);
    nodes.forEach((node, i) => {
      if (!Number.isFinite(node.lon) || !Number.isFinite(node.lat)) throw new Error(`road node ${i} has no finite lon/lat`);
      this.nodeLon[i] = node.lon;
      this.nodeLat[i] = node.lat;
    });
    this.wayFrom = new Uint32Array(m);
    this.wayTo = new Uint32Array(m);
    this.wayLengthMeters = new Float64Array(m);
    this.wayClass = new Uint8Array(m);
    this.wayOneway = new Int8Array(m);
    this.wayMaxspeedKmh = new Float32Array(m);
    this.wayFerryMinutes = new Float64Array(m).fill(Number.NaN);
    const degree = new Uint32Array(n + 1);
    edges.forEach((e, i) => {
      if (!Number.isInteger(e.from) || !Number.isInteger(e.to) || e.from < 0 || e.to < 0 || e.from >= n || e.to >= n) throw new Error(`road edge ${i} joins nodes ${e.from} and ${e.to}, outside 0…${n - 1}`);
      // Positive costs keep Dijkstra's settled labels final (and its ties exact).
      if (!Number.isFinite(e.lengthMeters) || e.lengthMeters <= 0) throw new Error(`road edge ${i} must have a positive finite lengthMeters, got ${e.lengthMeters}`);
      if (e.maxspeedKmh !== undefined && (!Number.isFinite(e.maxspeedKmh) || e.maxspeedKmh <= 0)) throw new Error(`road edge ${i} has a maxspeedKmh that is not positive: ${e.maxspeedKmh}`);
      if (e.ferryMinutes !== undefined && (!Number.isFinite(e.ferryMinutes) || e.ferryMinutes <= 0)) throw new Error(`road edge ${i} has ferryMinutes that are not positive: ${e.ferryMinutes}`);
      this.wayFrom[i] = e.from;
      this.wayTo[i] = e.to;
      this.wayLengthMeters[i] = e.lengthMeters;
      this.wayClass[i] = roadClassIndex(e.highway);
      this.wayOneway[i] = e.oneway === true ? 1 : e.oneway === 'reverse' ? -1 : 0;
      this.wayMaxspeedKmh[i] = e.maxspeedKmh ?? 0;
      if (e.ferryMinutes !== undefined) this.wayFerryMinutes[i] = e.ferryMinutes;
      degree[e.from]!++;
      degree[e.to]!++;
    });
    this.edgeOffsets = new Uint32Array(n + 1);
    for (let u = 0; u < n; u++) this.edgeOffsets[u + 1] = this.edgeOffsets[u]! + degree[u]!;
    const next = this.edgeOffsets.slice(0, n);
    this.edgeTarget = new Uint32Array(2 * m);
    this.edgeWay = new Uint32Array(2 * m);
    this.edgeOneway = new Uint8Array(2 * m);
    this.edgeLengthMeters = new Float64Array(2 * m);
    this.edgeClass = new Uint8Array(2 * m);
    const put = (u: number, v: number, way: number, oneway: number): void => {
      const e = next[u]!++;
      this.edgeTarget[e] = v;
      this.edgeWay[e] = way;
      this.edgeOneway[e] = oneway;
      this.edgeLengthMeters[e] = this.wayLengthMeters[way]!;
      this.edgeClass[e] = this.wayClass[way]!;
    };
    for (let w = 0; w < m; w++) {
      const o = this.wayOneway[w]!;
      put(this.wayFrom[w]!, this.wayTo[w]!, w, o === 1 ? 1 : o === -1 ? 2 : 0);
      put(this.wayTo[w]!, this.wayFrom[w]!, w, o === -1 ? 1 : o === 1 ? 2 : 0);
    }

    const samples: number[] = [];
    const sampleLon: number[] = [];
    const sampleLat: number[] = [];
    for (let w = 0; w < m; w++) {
      const a = this.wayFrom[w]!;
      const b = this.wayTo[w]!;
      const ax = this.nodeLon[a]!;
      const ay = this.nodeLat[a]!;
      const bx = this.nodeLon[b]!;
      const by = this.nodeLat[b]!;
      const meters = new CheapRuler((ay + by) / 2, 'meters').distance([ax, ay], [bx, by]);
      const pieces = Math.ceil(meters / SAMPLE_METERS);
      for (let k = 1; k < pieces; k++) {
        samples.push(w);
        sampleLon.push(ax + ((bx - ax) * k) / pieces);
        sampleLat.push(ay + ((by - ay) * k) / pieces);
      }
    }
    this.sampleWay = Uint32Array.from(samples);
    this.index = new KDBush(Math.max(n + samples.length, 1));
    for (let u = 0; u < n; u++) this.index.add(this.nodeLon[u]!, this.nodeLat[u]!);
    for (let k = 0; k < samples.length; k++) this.index.add(sampleLon[k]!, sampleLat[k]!);
    if (n + samples.length === 0) this.index.add(0, 0); // KDBush needs one item; an empty network matches nothing
    this.index.finish();
  }

  /** @throws Error on an edge naming a missing node, a non-positive length, maxspeed or ferry duration, or an unknown highway class */
  static build(nodes: readonly RoadNodeInput[], edges: readonly RoadEdgeInput[], name = 'road-network'): RoadNetwork {
    return new RoadNetwork(name, nodes, edges);
  }

  get edgeCount(): number {
    return this.edgeTarget.length;
  }

  get bytes(): number {
    return (
      this.nodeLon.byteLength * 2 +
      this.edgeOffsets.byteLength +
      this.edgeTarget.byteLength * 2 +
      this.edgeOneway.byteLength * 2 +
      this.edgeLengthMeters.byteLength +
      this.wayFrom.byteLength * 2 +
      this.wayLengthMeters.byteLength * 2 +
      this.wayMaxspeedKmh.byteLength +
      this.wayClass.byteLength * 2 +
      this.sampleWay.byteLength +
      (this.nodeCount + this.sampleWay.length) * 20
    );
  }

  /**
   * The ways with an indexed point (node or sample) in the box: every way passing within SAMPLE_METERS / 2 of it
   * (and some farther). The caller measures.
   */
  waysInBox(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const ways = new Set<number>();
    const n = this.nodeCount;
    for (const item of this.index.range(minX, minY, maxX, maxY)) {
      if (item < n) {
        for (let e = this.edgeOffsets[item]!; e < this.edgeOffsets[item + 1]!; e++) ways.add(this.edgeWay[e]!);
      } else if (item - n < this.sampleWay.length) ways.add(this.sampleWay[item - n]!);
    }
    return [...ways];
  }

  /** Where the place meets way `way`: the nearest point of its segment. */
  project(way: number, lon: number, lat: number, ruler = new CheapRuler(lat, 'meters')): RoadSnap {
    const a = this.wayFrom[way]!;
    const b = this.wayTo[way]!;
    const { point, t } = ruler.pointOnLine(
      [
        [this.nodeLon[a]!, this.nodeLat[a]!],
        [this.nodeLon[b]!, this.nodeLat[b]!],
      ],
      [lon, lat],
    );
    // A loop way (from = to) has no direction to project on: its node is its nearest point.
    const fraction = a === b || !Number.isFinite(t) ? 0 : Math.min(1, Math.max(0, t));
    return { way, fraction, offRoadMeters: ruler.distance([lon, lat], point) };
  }

  /**
   * The nearest point of the nearest way `usable` accepts, within `maxMeters` (null when none): boxes growing ×4
   * from 250 m; a box of radius r holds an indexed point of every way within r − SAMPLE_METERS / 2, so once the best
   * found is that near, nothing outside can beat it. Ties: the smaller way index.
   */
  snap(lon: number, lat: number, usable: (way: number) => boolean, maxMeters: number): RoadSnap | null {
    const ruler = new CheapRuler(lat, 'meters');
    let best: RoadSnap | null = null;
    for (let r = Math.min(250, maxMeters + SAMPLE_METERS / 2); ; r = Math.min(r * 4, maxMeters + SAMPLE_METERS / 2)) {
      const [minX, minY, maxX, maxY] = ruler.bufferPoint([lon, lat], r * 1.01);
      for (const way of this.waysInBox(minX, minY, maxX, maxY)) {
        if (!usable(way)) continue;
        const s = this.project(way, lon, lat, ruler);
        if (s.offRoadMeters <= maxMeters && (best === null || s.offRoadMeters < best.offRoadMeters || (s.offRoadMeters === best.offRoadMeters && way < best.way))) best = s;
      }
      if ((best !== null && best.offRoadMeters <= r - SAMPLE_METERS / 2) || r >= maxMeters + SAMPLE_METERS / 2) return best;
    }
  }
}
