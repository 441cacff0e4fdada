import type { RoadEdges } from './split-road-ways';
import { GrowableArray, type RoadWays } from './road-ways';

/** The network to store: the kept edges, and as nodes the vertices that end them (numbered 0…nodeCount − 1). */
export interface RoadGraph {
  readonly ways: RoadWays;
  readonly edges: RoadEdges;
  /** The kept edges (indices into `edges`, ascending). */
  readonly edgeIndex: Uint32Array;
  /** Per kept edge: its source and target node. */
  readonly edgeSource: Uint32Array;
  readonly edgeTarget: Uint32Array;
  /** Per node: its vertex (for its position and OSM id). */
  readonly nodeVertex: Uint32Array;
  readonly lengthMeters: number;
  /** [west, south, east, north] of the kept edges' geometry; null when no edge is kept. */
  readonly bbox: readonly [number, number, number, number] | null;
}

/** The graph of the edges `keep` marks (all when null): nodes are numbered in order of first use. */
export function roadGraph(ways: RoadWays, edges: RoadEdges, keep: Uint8Array | null = null): RoadGraph {
  let kept = 0;
  for (let e = 0; e < edges.count; e++) if (!keep || keep[e]) kept++;
  const edgeIndex = new Uint32Array(kept);
  const edgeSource = new Uint32Array(kept);
  const edgeTarget = new Uint32Array(kept);
  const nodeOf = new Int32Array(ways.vertexCount).fill(-1);
  const nodeVertex = new GrowableArray(Uint32Array);
  const node = (v: number): number => {
    if (nodeOf[v] === -1) {
      nodeOf[v] = nodeVertex.length;
      nodeVertex.push(v);
    }
    return nodeOf[v]!;
  };
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  let lengthMeters = 0;
  let i = 0;
  for (let e = 0; e < edges.count; e++) {
    if (keep && !keep[e]) continue;
    edgeIndex[i] = e;
    edgeSource[i] = node(edges.from[e]!);
    edgeTarget[i] = node(edges.to[e]!);
    lengthMeters += edges.lengthMeters[e]!;
    for (let k = edges.start[e]!; k < edges.start[e + 1]!; k++) {
      const v = edges.vertices[k]!;
      const x = ways.vertexLon[v]!;
      const y = ways.vertexLat[v]!;
      if (x < west) west = x;
      if (x > east) east = x;
      if (y < south) south = y;
      if (y > north) north = y;
    }
    i++;
  }
  return {
    ways,
    edges,
    edgeIndex,
    edgeSource,
    edgeTarget,
    nodeVertex: nodeVertex.toArray(),
    lengthMeters,
    bbox: kept ? [west, south, east, north] : null,
  };
}
