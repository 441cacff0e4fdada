import CheapRuler from 'cheap-ruler';
import KDBush from 'kdbush';
import { roadClassIndex } from './road-speeds';
import { sharedUint32Array } from './shared-arrays';

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
  /**
   * The way's line, [lon, lat] vertices from the `from` node to the `to` node inclusive (its ends must be those
   * nodes' places, within ~1 m). Absent, or with 2 vertices: the straight segment between the nodes.
   */
  readonly geometry?: readonly (readonly [number, number])[];
}

/**
 * One of the stored networks joined into the graph (one per area: `npm run roads -- import --area`, or a seed's):
 * its area code and how answers name it. The graph's own name (every part's label) identifies it in field keys.
 */
export interface RoadNetworkPart {
  readonly areaCode: string;
  readonly label: string;
}

/** Where a place joins the network: a point on way `way` at `fraction` of it from its `from` node. */
export interface RoadSnap {
  readonly way: number;
  /**
   * 0 at the way's from node, 1 at its to node: the length along the way's line up to the point ÷ the line's
   * length (as PostGIS's ST_LineLocatePoint and pgRouting's pgr_withPoints fraction), applied to `lengthMeters`.
   */
  readonly fraction: number;
  /** Straight-line metres from the place to that point (cheap-ruler at the place's latitude). */
  readonly offRoadMeters: number;
}

/**
 * Spacing of the extra index points put along ways' segments longer than it, so that a way's every point is within
 * half of it from an indexed one (a node, an inner vertex of its line, or such a point).
 */
export const SAMPLE_METERS = 200;

/** How far (degrees) a line's first and last vertices may lie from its way's nodes: ~1 m, for rounding. */
const GEOMETRY_END_TOLERANCE_DEG = 1e-5;

/** cheap-ruler's longitude wrap, so that the inline projections compute exactly what its pointOnLine does. */
function wrap(deg: number): number {
  return deg - Math.round(deg / 360) * 360;
}

/**
 * A directed road graph in CSR arrays. Each input edge is one "way" (its attributes kept per way) and two directed
 * edges, one each way, whatever its one-way tag: walkers and cyclists use both, and cars read `edgeOneway`
 * (0: both ways; 1: this direction is the one-way's; 2: this direction runs against it), so one graph serves every
 * mode and both search directions (the reverse of edge u→v is its twin v→u, with the same way and length).
 * A way's line is the straight segment between its nodes, or a polyline through inner vertices (kept only for the
 * ways that have some: `wayVertexOffsets`, `wayVertexCoordinates`). A KDBush index over the nodes, the inner
 * vertices and points every SAMPLE_METERS along long segments finds the ways near a place.
 *
 * Nodes are numbered in the order of a Hilbert curve over their places, not the input's (`nodeOfInput` maps): the
 * searches scan each band of their queue in node order, and a band's nodes, their edges and their neighbours' labels
 * then lie close together in memory (on a province-size grid a full search took 0.9 s in row order, 0.56 s in
 * curve order, and 2× longer than row order in an arbitrary one, as an import's may be). Ways keep the input's
 * numbering, and a node's edges are in the order of their ways, so nothing but node indices depends on it.
 */
export class RoadNetwork {
  readonly nodeCount: number;
  readonly wayCount: number;
  readonly nodeLon: Float64Array;
  readonly nodeLat: Float64Array;
  /** Directed edges of node u: edgeOffsets[u] … edgeOffsets[u + 1] − 1 (with edgeTarget, in shared memory: the searches' graph, which worker threads read without a copy). */
  readonly edgeOffsets: Uint32Array;
  readonly edgeTarget: Uint32Array;
  readonly edgeWay: Uint32Array;
  readonly edgeOneway: Uint8Array;
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
  /**
   * Inner vertices of way w's line (those between its from and to nodes): wayVertexOffsets[w] …
   * wayVertexOffsets[w + 1] − 1, the k-th at wayVertexCoordinates[2k] (lon), [2k + 1] (lat). Empty: a straight way.
   */
  readonly wayVertexOffsets: Uint32Array;
  readonly wayVertexCoordinates: Float64Array;
  /** The node index of input node i (the nodes are renumbered along a Hilbert curve). */
  readonly nodeOfInput: Uint32Array;
  private readonly index: KDBush;
  /** Index item − nodeCount → the way it was sampled on (items below nodeCount are input node numbers). */
  private readonly sampleWay: Uint32Array;

  private constructor(
    readonly name: string,
    nodes: readonly RoadNodeInput[],
    edges: readonly RoadEdgeInput[],
    /** The stored networks the graph joins (empty: one network, named `name`). */
    readonly parts: readonly RoadNetworkPart[],
  ) {
    const n = nodes.length;
    const m = edges.length;
    this.nodeCount = n;
    this.wayCount = m;
    this.nodeLon = new Float64Array(n);
    this.nodeLat = new Float64Array(n);
    nodes.forEach((node, i) => {
      if (!Number.isFinite(node.lon) || !Number.isFinite(node.lat)) throw new Error(`road node ${i} has no finite lon/lat`);
    });
    const nodeOfInput = hilbertOrder(nodes);
    this.nodeOfInput = nodeOfInput;
    nodes.forEach((node, i) => {
      this.nodeLon[nodeOfInput[i]!] = node.lon;
      this.nodeLat[nodeOfInput[i]!] = node.lat;
    });
    this.wayFrom = new Uint32Array(m);
    this.wayTo = new Uint32Array(m);
    this.wayLengthMeters = new Float64Array(m);
    this.wayClass = new Uint8Array(m);
    this.wayOneway = new Int8Array(m);
    this.wayMaxspeedKmh = new Float32Array(m);
    this.wayFerryMinutes = new Float64Array(m).fill(Number.NaN);
    this.wayVertexOffsets = new Uint32Array(m + 1);
    let innerVertices = 0;
    const degree = new Uint32Array(n + 1);
    edges.forEach((e, i) => {
      if (!Number.isInteger(e.from) || !Number.isInteger(e.to) || e.from < 0 || e.to < 0 || e.from >= n || e.to >= n) throw new Error(`road edge ${i} joins nodes ${e.from} and ${e.to}, outside 0…${n - 1}`);
      // Positive costs keep Dijkstra's settled labels final (and its ties exact).
      if (!Number.isFinite(e.lengthMeters) || e.lengthMeters <= 0) throw new Error(`road edge ${i} must have a positive finite lengthMeters, got ${e.lengthMeters}`);
      if (e.maxspeedKmh !== undefined && (!Number.isFinite(e.maxspeedKmh) || e.maxspeedKmh <= 0)) throw new Error(`road edge ${i} has a maxspeedKmh that is not positive: ${e.maxspeedKmh}`);
      if (e.ferryMinutes !== undefined && (!Number.isFinite(e.ferryMinutes) || e.ferryMinutes <= 0)) throw new Error(`road edge ${i} has ferryMinutes that are not positive: ${e.ferryMinutes}`);
      const from = nodeOfInput[e.from]!;
      const to = nodeOfInput[e.to]!;
      this.wayFrom[i] = from;
      this.wayTo[i] = to;
      this.wayLengthMeters[i] = e.lengthMeters;
      this.wayClass[i] = roadClassIndex(e.highway);
      this.wayOneway[i] = e.oneway === true ? 1 : e.oneway === 'reverse' ? -1 : 0;
      this.wayMaxspeedKmh[i] = e.maxspeedKmh ?? 0;
      if (e.ferryMinutes !== undefined) this.wayFerryMinutes[i] = e.ferryMinutes;
      if (e.geometry !== undefined) innerVertices += this.checkGeometry(i, e);
      this.wayVertexOffsets[i + 1] = innerVertices;
      degree[from]!++;
      degree[to]!++;
    });
    this.wayVertexCoordinates = new Float64Array(2 * innerVertices);
    edges.forEach((e, i) => {
      const g = e.geometry;
      if (g === undefined || g.length <= 2) return;
      let k = 2 * this.wayVertexOffsets[i]!;
      for (let j = 1; j < g.length - 1; j++) {
        this.wayVertexCoordinates[k++] = g[j]![0];
        this.wayVertexCoordinates[k++] = g[j]![1];
      }
    });
    this.edgeOffsets = sharedUint32Array(n + 1);
    for (let u = 0; u < n; u++) this.edgeOffsets[u + 1] = this.edgeOffsets[u]! + degree[u]!;
    const next = this.edgeOffsets.slice(0, n);
    this.edgeTarget = sharedUint32Array(2 * m);
    this.edgeWay = new Uint32Array(2 * m);
    this.edgeOneway = new Uint8Array(2 * m);
    const put = (u: number, v: number, way: number, oneway: number): void => {
      const e = next[u]!++;
      this.edgeTarget[e] = v;
      this.edgeWay[e] = way;
      this.edgeOneway[e] = oneway;
    };
    for (let w = 0; w < m; w++) {
      const o = this.wayOneway[w]!;
      put(this.wayFrom[w]!, this.wayTo[w]!, w, o === 1 ? 1 : o === -1 ? 2 : 0);
      put(this.wayTo[w]!, this.wayFrom[w]!, w, o === -1 ? 1 : o === 1 ? 2 : 0);
    }

    // Index points: every inner vertex, and points every SAMPLE_METERS along each segment longer than that.
    const samples: number[] = [];
    const sampleLon: number[] = [];
    const sampleLat: number[] = [];
    for (let w = 0; w < m; w++) {
      const last = this.vertexCount(w) - 1;
      for (let i = 0; i < last; i++) {
        const ax = this.vertexLon(w, i);
        const ay = this.vertexLat(w, i);
        const bx = this.vertexLon(w, i + 1);
        const by = this.vertexLat(w, i + 1);
        if (i > 0) {
          samples.push(w);
          sampleLon.push(ax);
          sampleLat.push(ay);
        }
        const meters = new CheapRuler((ay + by) / 2, 'meters').distance([ax, ay], [bx, by]);
        const pieces = Math.ceil(meters / SAMPLE_METERS);
        for (let k = 1; k < pieces; k++) {
          samples.push(w);
          sampleLon.push(ax + ((bx - ax) * k) / pieces);
          sampleLat.push(ay + ((by - ay) * k) / pieces);
        }
      }
    }
    this.sampleWay = Uint32Array.from(samples);
    this.index = new KDBush(Math.max(n + samples.length, 1));
    // Nodes go in in input order (item i: input node i), so that a box's items come in the same order however the nodes are numbered.
    for (let i = 0; i < n; i++) this.index.add(nodes[i]!.lon, nodes[i]!.lat);
    for (let k = 0; k < samples.length; k++) this.index.add(sampleLon[k]!, sampleLat[k]!);
    if (n + samples.length === 0) this.index.add(0, 0); // KDBush needs one item; an empty network matches nothing
    this.index.finish();
  }

  /**
   * @throws Error on an edge naming a missing node, a non-positive length, maxspeed or ferry duration, an unknown
   * highway class, or a geometry with fewer than 2 vertices, a vertex that is not finite, or ends away from its nodes
   */
  static build(nodes: readonly RoadNodeInput[], edges: readonly RoadEdgeInput[], name = 'road-network', parts: readonly RoadNetworkPart[] = []): RoadNetwork {
    return new RoadNetwork(name, nodes, edges, parts);
  }

  /**
   * The name of the networks an answer about `areaCode` (an official area's code or a village's: digits; '' is the
   * country) is computed on: those whose area contains it or lies in it (one code a prefix of the other), the graph's
   * name when none does (a planning area's code, an area no network covers: its villages may still join a
   * neighbour's roads within the off-road limit, so the whole graph is named) or when no area is given. Stored
   * networks of different areas are separate graphs, so an area's answer uses only its own.
   */
  nameFor(areaCode?: string): string {
    if (areaCode === undefined || this.parts.length === 0 || !/^\d*$/.test(areaCode)) return this.name;
    const used = this.parts.filter((p) => p.areaCode.startsWith(areaCode) || areaCode.startsWith(p.areaCode));
    return used.length === 0 ? this.name : used.map((p) => p.label).join(' + ');
  }

  /** Checks edge i's geometry against its nodes; returns the number of inner vertices to keep. */
  private checkGeometry(i: number, e: RoadEdgeInput): number {
    const g = e.geometry!;
    if (g.length < 2) throw new Error(`road edge ${i} has a geometry of ${g.length} vertex(es); at least 2 (its nodes) are needed`);
    for (const [lon, lat] of g) if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new Error(`road edge ${i} has a geometry vertex without finite lon/lat`);
    const [x0, y0] = g[0]!;
    const [x1, y1] = g[g.length - 1]!;
    const near = (x: number, y: number, input: number) => {
      const node = this.nodeOfInput[input]!;
      return Math.abs(x - this.nodeLon[node]!) <= GEOMETRY_END_TOLERANCE_DEG && Math.abs(y - this.nodeLat[node]!) <= GEOMETRY_END_TOLERANCE_DEG;
    };
    if (!near(x0, y0, e.from) || !near(x1, y1, e.to)) throw new Error(`road edge ${i}: its geometry must run from its from node ${e.from} to its to node ${e.to} (ends within ${GEOMETRY_END_TOLERANCE_DEG}°)`);
    return g.length > 2 ? g.length - 2 : 0;
  }

  get edgeCount(): number {
    return this.edgeTarget.length;
  }

  get bytes(): number {
    return (
      this.nodeLon.byteLength * 2 +
      this.nodeOfInput.byteLength +
      this.edgeOffsets.byteLength +
      this.edgeTarget.byteLength * 2 +
      this.edgeOneway.byteLength +
      this.wayFrom.byteLength * 2 +
      this.wayLengthMeters.byteLength * 2 +
      this.wayMaxspeedKmh.byteLength +
      this.wayClass.byteLength * 2 +
      this.wayVertexOffsets.byteLength +
      this.wayVertexCoordinates.byteLength +
      this.sampleWay.byteLength +
      (this.nodeCount + this.sampleWay.length) * 20
    );
  }

  /** Vertices of way w's line: 2 (its nodes) + its inner vertices. */
  vertexCount(way: number): number {
    return 2 + this.wayVertexOffsets[way + 1]! - this.wayVertexOffsets[way]!;
  }

  /** Longitude of vertex i (0 … vertexCount − 1) of way w's line: its from node, inner vertices, its to node. */
  vertexLon(way: number, i: number): number {
    if (i === 0) return this.nodeLon[this.wayFrom[way]!]!;
    const k = this.wayVertexOffsets[way]! + i - 1;
    return k < this.wayVertexOffsets[way + 1]! ? this.wayVertexCoordinates[2 * k]! : this.nodeLon[this.wayTo[way]!]!;
  }

  vertexLat(way: number, i: number): number {
    if (i === 0) return this.nodeLat[this.wayFrom[way]!]!;
    const k = this.wayVertexOffsets[way]! + i - 1;
    return k < this.wayVertexOffsets[way + 1]! ? this.wayVertexCoordinates[2 * k + 1]! : this.nodeLat[this.wayTo[way]!]!;
  }

  /** Way w's line, [lon, lat] from its from node to its to node. */
  wayCoordinates(way: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0, count = this.vertexCount(way); i < count; i++) out.push([this.vertexLon(way, i), this.vertexLat(way, i)]);
    return out;
  }

  /**
   * The part of way w's line between two fractions of its length (as `project` gives them; cheap-ruler lengths at
   * its from node's latitude), from the point at `from` to the point at `to` through the vertices between: reversed
   * when from > to, two equal points when from = to. Fractions are clamped to 0 … 1.
   */
  wayLine(way: number, from: number, to: number): [number, number][] {
    if (from > to) return this.wayLine(way, to, from).reverse();
    const f0 = Math.min(1, Math.max(0, from));
    const f1 = Math.min(1, Math.max(0, to));
    const count = this.vertexCount(way);
    if (count === 2) {
      const ax = this.vertexLon(way, 0);
      const ay = this.vertexLat(way, 0);
      const bx = this.vertexLon(way, 1);
      const by = this.vertexLat(way, 1);
      const at = (f: number): [number, number] => (f === 0 ? [ax, ay] : f === 1 ? [bx, by] : [ax + (bx - ax) * f, ay + (by - ay) * f]);
      return [at(f0), at(f1)];
    }
    const ruler = new CheapRuler(this.vertexLat(way, 0), 'meters');
    const lengths = new Float64Array(count); // length from the from node to vertex i
    for (let i = 1; i < count; i++) {
      lengths[i] = lengths[i - 1]! + ruler.distance([this.vertexLon(way, i - 1), this.vertexLat(way, i - 1)], [this.vertexLon(way, i), this.vertexLat(way, i)]);
    }
    const total = lengths[count - 1]!;
    // The point at fraction f on segment i (the last segment whose start is at or before it).
    const pointAt = (f: number, i: number): [number, number] => {
      const ax = this.vertexLon(way, i);
      const ay = this.vertexLat(way, i);
      const segment = lengths[i + 1]! - lengths[i]!;
      const t = segment > 0 ? Math.min(1, Math.max(0, (f * total - lengths[i]!) / segment)) : 0;
      if (t === 0) return [ax, ay];
      const bx = this.vertexLon(way, i + 1);
      const by = this.vertexLat(way, i + 1);
      return t === 1 ? [bx, by] : [ax + (bx - ax) * t, ay + (by - ay) * t];
    };
    const segmentOf = (f: number): number => {
      let i = 0;
      while (i < count - 2 && lengths[i + 1]! <= f * total) i++;
      return i;
    };
    const i0 = f0 === 0 ? 0 : segmentOf(f0);
    const i1 = f1 === 1 ? count - 2 : segmentOf(f1);
    const out: [number, number][] = [f0 === 0 ? [this.vertexLon(way, 0), this.vertexLat(way, 0)] : pointAt(f0, i0)];
    for (let i = i0 + 1; i <= i1; i++) {
      const v: [number, number] = [this.vertexLon(way, i), this.vertexLat(way, i)];
      const prev = out[out.length - 1]!;
      if (v[0] !== prev[0] || v[1] !== prev[1]) out.push(v);
    }
    const end: [number, number] = f1 === 1 ? [this.vertexLon(way, count - 1), this.vertexLat(way, count - 1)] : pointAt(f1, i1);
    const prev = out[out.length - 1]!;
    if (out.length === 1 || end[0] !== prev[0] || end[1] !== prev[1]) out.push(end);
    return out;
  }

  /**
   * The ways with an indexed point (node, inner vertex or sample) in the box: every way passing within
   * SAMPLE_METERS / 2 of it (and some farther). The caller measures.
   */
  waysInBox(minX: number, minY: number, maxX: number, maxY: number): number[] {
    const ways = new Set<number>();
    const n = this.nodeCount;
    for (const item of this.index.range(minX, minY, maxX, maxY)) {
      if (item < n) {
        const u = this.nodeOfInput[item]!;
        for (let e = this.edgeOffsets[u]!; e < this.edgeOffsets[u + 1]!; e++) ways.add(this.edgeWay[e]!);
      } else if (item - n < this.sampleWay.length) ways.add(this.sampleWay[item - n]!);
    }
    return [...ways];
  }

  /** Where the place meets way `way`: the nearest point of its line (the first such, along it, on a tie). */
  project(way: number, lon: number, lat: number, ruler = new CheapRuler(lat, 'meters')): RoadSnap {
    this.projectInto(way, lon, lat, ruler.kx, ruler.ky);
    return { way, fraction: this.projected.fraction, offRoadMeters: this.projected.meters };
  }

  /** The last projectInto's answer (no object per candidate way in snap's loop). */
  private readonly projected = { fraction: 0, meters: 0 };

  /**
   * project without allocating: the same arithmetic as cheap-ruler's pointOnLine and distance (a straight way's
   * fraction is its segment's t, clamped), with the length along the line for a polyline's fraction.
   */
  private projectInto(way: number, lon: number, lat: number, kx: number, ky: number): void {
    const last = this.vertexCount(way) - 1;
    let minDist = Number.POSITIVE_INFINITY;
    let minX = 0;
    let minY = 0;
    let minT = 0;
    let minAlong = 0; // line length before the nearest point's segment
    let minSegment = 0;
    let along = 0;
    let x0 = this.vertexLon(way, 0);
    let y0 = this.vertexLat(way, 0);
    for (let i = 0; i < last; i++) {
      const x1 = this.vertexLon(way, i + 1);
      const y1 = this.vertexLat(way, i + 1);
      let x = x0;
      let y = y0;
      let dx = wrap(x1 - x) * kx;
      let dy = (y1 - y) * ky;
      const segment = last > 1 ? Math.sqrt(dx * dx + dy * dy) : 0;
      let t = 0;
      if (dx !== 0 || dy !== 0) {
        t = (wrap(lon - x) * kx * dx + (lat - y) * ky * dy) / (dx * dx + dy * dy);
        if (t > 1) {
          x = x1;
          y = y1;
        } else if (t > 0) {
          x += (dx / kx) * t;
          y += (dy / ky) * t;
        }
      }
      dx = wrap(lon - x) * kx;
      dy = (lat - y) * ky;
      const sqDist = dx * dx + dy * dy;
      if (sqDist < minDist) {
        minDist = sqDist;
        minX = x;
        minY = y;
        minT = t;
        minAlong = along;
        minSegment = segment;
      }
      along += segment;
      x0 = x1;
      y0 = y1;
    }
    const dx = wrap(lon - minX) * kx;
    const dy = (lat - minY) * ky;
    this.projected.meters = Math.sqrt(dx * dx + dy * dy);
    const t = Number.isFinite(minT) ? Math.min(1, Math.max(0, minT)) : 0;
    if (last === 1) {
      // A loop way without a line (from = to) has no direction to project on: its node is its nearest point.
      this.projected.fraction = this.wayFrom[way] === this.wayTo[way] ? 0 : t;
    } else {
      this.projected.fraction = along > 0 ? Math.min(1, (minAlong + t * minSegment) / along) : 0;
    }
  }

  /**
   * The nearest point of the nearest way `usable` accepts, within `maxMeters` (null when none): `joins` with no
   * slack and one way. Ties: the smaller way index.
   */
  snap(lon: number, lat: number, usable: (way: number) => boolean, maxMeters: number): RoadSnap | null {
    return this.joins(lon, lat, usable, maxMeters, 0, 1)[0] ?? null;
  }

  /**
   * Where a place joins the network (RoadModel's rule): the ways `usable` accepts whose nearest point lies within
   * `slackMeters` of the nearest one's and within `maxMeters`, the `maxWays` nearest of them, nearest first (ties:
   * the smaller way index); empty when no usable way is within maxMeters. Boxes growing ×2 from 250 m; a box of
   * radius r holds an indexed point of every way within r − SAMPLE_METERS / 2, so once the farthest join wanted (the
   * nearest + the slack, or the maxWays-th found when that is nearer) is that near, nothing outside can enter.
   */
  joins(lon: number, lat: number, usable: (way: number) => boolean, maxMeters: number, slackMeters: number, maxWays: number): RoadSnap[] {
    const ruler = new CheapRuler(lat, 'meters');
    const { kx, ky } = ruler;
    const n = this.nodeCount;
    const { edgeOffsets, edgeWay, sampleWay, nodeOfInput } = this;
    // The best found so far, nearest first: at most maxWays.
    const meters: number[] = [];
    const ways: number[] = [];
    const fractions: number[] = [];
    // Ways looked at in any box: one rejected (not usable, too far, or behind maxWays nearer ones) stays rejected.
    const tried = this.snapTried;
    tried.clear();
    const consider = (way: number): void => {
      if (tried.has(way)) return;
      tried.add(way);
      if (!usable(way)) return;
      this.projectInto(way, lon, lat, kx, ky);
      const d = this.projected.meters;
      if (!(d <= maxMeters)) return;
      let k = meters.length;
      if (k === maxWays) {
        if (!(d < meters[k - 1]! || (d === meters[k - 1]! && way < ways[k - 1]!))) return;
        k--; // the last one drops out
      } else {
        meters.push(0);
        ways.push(0);
        fractions.push(0);
      }
      while (k > 0 && (d < meters[k - 1]! || (d === meters[k - 1]! && way < ways[k - 1]!))) {
        meters[k] = meters[k - 1]!;
        ways[k] = ways[k - 1]!;
        fractions[k] = fractions[k - 1]!;
        k--;
      }
      meters[k] = d;
      ways[k] = way;
      fractions[k] = this.projected.fraction;
    };
    const last = maxMeters + SAMPLE_METERS / 2;
    for (let r = Math.min(250, last); ; r = Math.min(r * 2, last)) {
      const [minX, minY, maxX, maxY] = ruler.bufferPoint([lon, lat], r * 1.01);
      for (const item of this.index.range(minX, minY, maxX, maxY)) {
        if (item < n) {
          const u = nodeOfInput[item]!;
          for (let e = edgeOffsets[u]!, end = edgeOffsets[u + 1]!; e < end; e++) consider(edgeWay[e]!);
        } else if (item - n < sampleWay.length) consider(sampleWay[item - n]!);
      }
      let wanted = Number.POSITIVE_INFINITY;
      if (meters.length > 0) wanted = Math.min(maxMeters, meters[0]! + slackMeters, meters.length === maxWays ? meters[maxWays - 1]! : Number.POSITIVE_INFINITY);
      if (wanted <= r - SAMPLE_METERS / 2 || r >= last) break;
    }
    const out: RoadSnap[] = [];
    for (let k = 0; k < meters.length && meters[k]! <= meters[0]! + slackMeters; k++) out.push({ way: ways[k]!, fraction: fractions[k]!, offRoadMeters: meters[k]! });
    return out;
  }

  /** Ways `joins` has looked at (one set, cleared for each place). */
  private readonly snapTried = new Set<number>();
}

/** Bits per axis of the Hilbert curve's grid (65,536² cells over the network's box: ~5 m on a province). */
const HILBERT_BITS = 16;

/**
 * Node numbers along a Hilbert curve over the nodes' box (input node i → its number): the curve's index of each
 * node's cell, the nodes sorted by it (two stable 16-bit radix passes; ties keep the input's order).
 */
function hilbertOrder(nodes: readonly RoadNodeInput[]): Uint32Array {
  const n = nodes.length;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const { lon, lat } of nodes) {
    if (lon < minX) minX = lon;
    if (lon > maxX) maxX = lon;
    if (lat < minY) minY = lat;
    if (lat > maxY) maxY = lat;
  }
  const cells = (1 << HILBERT_BITS) - 1;
  const sx = maxX > minX ? cells / (maxX - minX) : 0;
  const sy = maxY > minY ? cells / (maxY - minY) : 0;
  const key = new Uint32Array(n);
  for (let i = 0; i < n; i++) key[i] = hilbertIndex(Math.round((nodes[i]!.lon - minX) * sx), Math.round((nodes[i]!.lat - minY) * sy));
  // LSD radix sort of the input indices by key, low 16 bits then high.
  let order = new Uint32Array(n);
  let spare = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (const shift of [0, 16]) {
    const count = new Uint32Array(65_537);
    for (let i = 0; i < n; i++) count[((key[i]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 0; b < 65_536; b++) count[b + 1]! += count[b]!;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      spare[count[(key[i]! >>> shift) & 0xffff]!++] = i;
    }
    [order, spare] = [spare, order];
  }
  const nodeOf = spare; // reused: input index → rank
  for (let rank = 0; rank < n; rank++) nodeOf[order[rank]!] = rank;
  return nodeOf;
}

/** The index of cell (x, y) (each 0 … 2^HILBERT_BITS − 1) along the Hilbert curve filling the grid. */
function hilbertIndex(x: number, y: number): number {
  let d = 0;
  for (let s = 1 << (HILBERT_BITS - 1); s > 0; s >>>= 1) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - x;
        y = s - 1 - y;
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}
