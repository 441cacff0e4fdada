import path from 'node:path';
import type { EntityManager } from 'typeorm';
import { isInMainlandChina } from '../geo/is-in-mainland-china';
import { readRoadFile, type RoadFileFormat } from './read-road-file';
import { roadGraph, type RoadGraph } from './road-graph';
import { RoadImportError } from './road-import.error';
import { lineStringWkb, RoadRepository, type Bbox, type RoadArea, type RoadNetworkSummary } from './road.repository';
import type { RoadWays } from './road-ways';
import { roadWaysFromGeoJson } from './road-ways-from-geojson';
import { splitRoadWays, type RoadEdges } from './split-road-ways';

export type RoadImportPhase = 'ways' | 'nodes' | 'clip' | 'write';

/** Where an import is: PBF passes count bytes of the file, clipping counts edges, writing counts rows. */
export interface RoadImportProgress {
  readonly phase: RoadImportPhase;
  readonly done: number;
  readonly total: number;
}

export interface RoadNetworkCounts {
  readonly nodes: number;
  readonly edges: number;
  readonly lengthKm: number;
}

export interface RoadImportReport extends RoadNetworkCounts {
  readonly format: RoadFileFormat;
  readonly areaCode: string;
  readonly areaName: string;
  /** 'given': --area; 'found': the smallest area whose boundary covers the network's bounding box. */
  readonly areaFrom: 'given' | 'found';
  /** The areas whose boundaries the network was clipped to; empty when it was not clipped. */
  readonly clippedTo: readonly string[];
  /** Features (GeoJSON) or ways (PBF) read, and those kept as roads. */
  readonly waysRead: number;
  readonly roadWays: number;
  readonly droppedOutsideChina: number;
  readonly droppedOutsideArea: number;
  readonly readMs: number;
  readonly buildMs: number;
  readonly writeMs: number;
  readonly totalMs: number;
}

export interface RoadImportRequest {
  readonly file: string;
  /** The area the network is for (and clipped to); without it, the smallest area covering the network. */
  readonly areaCode?: string;
  /** Defaults to "<area name> roads". */
  readonly name?: string;
  readonly onProgress?: (p: RoadImportProgress) => void;
}

const NODE_BATCH = 10_000;
const EDGE_BATCH = 5_000;
const CLIP_BATCH = 2_000;

const isEdgeKept = (keep: Uint8Array | null, e: number): boolean => !keep || keep[e] === 1;

/**
 * Replaces area `areaCode`'s network by `graph` in the caller's transaction: the old network's edges, nodes and
 * row go, then the nodes, the edges and last the network row (whose trigger bumps the data version).
 */
async function writeRoadNetwork(
  roads: RoadRepository,
  manager: EntityManager,
  graph: RoadGraph,
  network: { areaCode: string; name: string; source: string; synthetic: boolean },
  onProgress: (p: RoadImportProgress) => void = () => undefined,
): Promise<RoadNetworkCounts> {
  const { ways, edges } = graph;
  const { areaCode } = network;
  const nodeCount = graph.nodeVertex.length;
  const edgeCount = graph.edgeIndex.length;
  const total = nodeCount + edgeCount;
  await roads.deleteNetwork(manager, areaCode);
  const nodeId = new Float64Array(nodeCount);
  for (let first = 0; first < nodeCount; first += NODE_BATCH) {
    const n = Math.min(NODE_BATCH, nodeCount - first);
    const ids = await roads.newNodeIds(manager, n);
    const rows = { ids, osmIds: [] as (number | null)[], lons: [] as number[], lats: [] as number[] };
    for (let k = 0; k < n; k++) {
      const v = graph.nodeVertex[first + k]!;
      nodeId[first + k] = ids[k]!;
      const osmId = ways.vertexOsmId[v]!;
      rows.osmIds.push(Number.isNaN(osmId) ? null : osmId);
      rows.lons.push(ways.vertexLon[v]!);
      rows.lats.push(ways.vertexLat[v]!);
    }
    await roads.insertNodes(manager, areaCode, rows);
    onProgress({ phase: 'write', done: first + n, total });
  }
  for (let first = 0; first < edgeCount; first += EDGE_BATCH) {
    const n = Math.min(EDGE_BATCH, edgeCount - first);
    const rows = {
      sources: [] as number[],
      targets: [] as number[],
      highways: [] as string[],
      oneways: [] as number[],
      maxspeedsKmh: [] as (number | null)[],
      ferryMinutes: [] as (number | null)[],
      lengthsMeters: [] as number[],
      names: [] as (string | null)[],
      osmWayIds: [] as (number | null)[],
      wkb: [] as Buffer[],
    };
    for (let i = first; i < first + n; i++) {
      const e = graph.edgeIndex[i]!;
      const tags = ways.wayTags[edges.way[e]!]!;
      const osmWayId = ways.wayOsmId[edges.way[e]!]!;
      rows.sources.push(nodeId[graph.edgeSource[i]!]!);
      rows.targets.push(nodeId[graph.edgeTarget[i]!]!);
      rows.highways.push(tags.highway);
      rows.oneways.push(tags.oneway);
      rows.maxspeedsKmh.push(tags.maxspeedKmh);
      rows.ferryMinutes.push(tags.ferryMinutes);
      rows.lengthsMeters.push(edges.lengthMeters[e]!);
      rows.names.push(tags.name);
      rows.osmWayIds.push(Number.isNaN(osmWayId) ? null : osmWayId);
      rows.wkb.push(lineStringWkb(edges.vertices.subarray(edges.start[e]!, edges.start[e + 1]!), ways.vertexLon, ways.vertexLat));
    }
    await roads.insertEdges(manager, areaCode, rows);
    onProgress({ phase: 'write', done: nodeCount + first + n, total });
  }
  const lengthKm = graph.lengthMeters / 1000;
  await roads.insertNetwork(manager, { ...network, nodeCount, edgeCount, lengthKm, bbox: graph.bbox });
  return { nodes: nodeCount, edges: edgeCount, lengthKm };
}

/**
 * Loads a GeoJSON FeatureCollection of road LineStrings (OSM-like properties, see roadWayTags) as area
 * `areaCode`'s network, replacing the one it had, in the caller's transaction (`manager`): for the seeds' synthetic
 * networks. Not clipped, not checked against China's outline: the caller vouches for the data.
 *
 * @throws RoadImportError (FILE) when the collection is malformed or holds no road
 */
export async function importRoadNetwork(
  manager: EntityManager,
  input: { areaCode: string; name: string; source: string; synthetic?: boolean; features: unknown },
): Promise<RoadNetworkCounts> {
  const ways = roadWaysFromGeoJson(input.features);
  const graph = roadGraph(ways, splitRoadWays(ways));
  if (graph.edgeIndex.length === 0) throw new RoadImportError('FILE', `the road network of ${input.areaCode} holds no road (LineStrings with a highway a travel mode can use, or route=ferry)`);
  return writeRoadNetwork(new RoadRepository(manager.connection), manager, graph, {
    areaCode: input.areaCode,
    name: input.name,
    source: input.source,
    synthetic: input.synthetic ?? false,
  });
}

/** Per edge: 1 when every vertex of it lies in mainland China. */
function edgesInChina(ways: RoadWays, edges: RoadEdges): { keep: Uint8Array; outside: number; firstOutside: [number, number] | null } {
  const vertexState = new Uint8Array(ways.vertexCount); // 0 unknown, 1 inside, 2 outside
  const keep = new Uint8Array(edges.count);
  let outside = 0;
  let firstOutside: [number, number] | null = null;
  for (let e = 0; e < edges.count; e++) {
    let inside = true;
    for (let k = edges.start[e]!; k < edges.start[e + 1]! && inside; k++) {
      const v = edges.vertices[k]!;
      if (vertexState[v] === 0) vertexState[v] = isInMainlandChina(ways.vertexLon[v]!, ways.vertexLat[v]!) ? 1 : 2;
      if (vertexState[v] === 2) {
        inside = false;
        firstOutside ??= [ways.vertexLon[v]!, ways.vertexLat[v]!];
      }
    }
    keep[e] = inside ? 1 : 0;
    if (!inside) outside++;
  }
  return { keep, outside, firstOutside };
}

function edgeBbox(ways: RoadWays, edges: RoadEdges, e: number): Bbox {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = edges.start[e]!; k < edges.start[e + 1]!; k++) {
    const v = edges.vertices[k]!;
    west = Math.min(west, ways.vertexLon[v]!);
    east = Math.max(east, ways.vertexLon[v]!);
    south = Math.min(south, ways.vertexLat[v]!);
    north = Math.max(north, ways.vertexLat[v]!);
  }
  return [west, south, east, north];
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** `npm run roads`: imports a road network file for an area, and lists what is loaded. */
export class RoadImportService {
  constructor(private readonly roads: RoadRepository) {}

  networks(): Promise<RoadNetworkSummary[]> {
    return this.roads.networks();
  }

  /**
   * Reads the file, keeps its roads, splits them at junctions, keeps the edges in mainland China and (with an area)
   * those whose geometry intersects the area's clip boundary, and replaces the area's network in one transaction.
   * Everything is checked before the transaction starts: a refused import leaves the previous network as it was.
   *
   * Clip rule: an edge is kept when its geometry intersects the boundary (it may run on beyond it to its next
   * junction), so roads leaving the area keep their first stretch outside and the network is not cut mid-edge.
   * Edges with a vertex outside mainland China are dropped (roads across a land border); more than half of them
   * outside means the file is the wrong one (another country, or latitude and longitude swapped) and is refused.
   *
   * @throws RoadImportError FILE: unreadable, not PBF nor GeoJSON, truncated, no roads (in the area), outside China;
   *   ARGUMENT: unknown area, or none given and none found
   */
  async importFile(request: RoadImportRequest): Promise<RoadImportReport> {
    const onProgress = request.onProgress ?? (() => undefined);
    const started = performance.now();
    let area: RoadArea | null = null;
    if (request.areaCode !== undefined) {
      if (!/^[0-9]{2,12}$/.test(request.areaCode)) throw new RoadImportError('ARGUMENT', `--area must be an administrative division code (2 to 12 digits, e.g. 520121), got "${request.areaCode}"`);
      area = await this.roads.findArea(request.areaCode);
      if (!area) throw new RoadImportError('ARGUMENT', `there is no area ${request.areaCode} (load it with the seeds first, or check the code)`);
    }

    const { format, ways, waysRead } = await readRoadFile(request.file, (p) => onProgress({ phase: p.pass === 1 ? 'ways' : 'nodes', done: p.bytesRead, total: p.bytesTotal }));
    const read = performance.now();
    const edges = splitRoadWays(ways);
    if (edges.count === 0) {
      throw new RoadImportError('FILE', `${request.file} holds no road: none of its ${plural(waysRead, format === 'PBF' ? 'way' : 'feature')} is a highway a travel mode can use, or a ferry (route=ferry)`);
    }
    const china = edgesInChina(ways, edges);
    if (china.outside * 2 > edges.count) {
      throw new RoadImportError(
        'FILE',
        `${request.file}: ${plural(china.outside, 'road edge')} of ${edges.count.toLocaleString('en')} lie outside mainland China (e.g. at ${china.firstOutside!.join(', ')}); ` +
          'this importer takes WGS-84 networks in China (longitude first)',
      );
    }
    const keep = china.keep;

    let clippedTo: string[] = [];
    let droppedOutsideArea = 0;
    let areaFrom: 'given' | 'found' = 'given';
    if (area) {
      clippedTo = await this.roads.clipAreas(area);
      if (clippedTo.length) droppedOutsideArea = await this.clip(ways, edges, keep, clippedTo, onProgress);
      if (!keep.includes(1)) {
        throw new RoadImportError('FILE', `${request.file} holds no road in ${area.name} (${area.code}): none of its ${plural(edges.count - china.outside, 'road edge')} intersects the boundary of ${clippedTo.join(', ')}`);
      }
    } else {
      const bbox = roadGraph(ways, edges, keep).bbox!;
      const found = await this.roads.smallestAreaCovering(bbox);
      if (!found) {
        throw new RoadImportError('ARGUMENT', `no area's boundary contains the network's bounding box (${bbox.map((x) => x.toFixed(4)).join(', ')}): say which area it is for with --area CODE (it is then clipped to that area)`);
      }
      area = { code: found.code, name: found.name, hasBoundary: true };
      areaFrom = 'found';
    }
    const graph = roadGraph(ways, edges, keep);
    const built = performance.now();

    const counts = await this.roads.transaction((manager) =>
      writeRoadNetwork(this.roads, manager, graph, { areaCode: area.code, name: request.name ?? `${area.name} roads`, source: path.basename(request.file), synthetic: false }, onProgress),
    );
    const written = performance.now();
    return {
      ...counts,
      format,
      areaCode: area.code,
      areaName: area.name,
      areaFrom,
      clippedTo,
      waysRead,
      roadWays: ways.wayCount,
      droppedOutsideChina: china.outside,
      droppedOutsideArea,
      readMs: read - started,
      buildMs: built - read,
      writeMs: written - built,
      totalMs: written - started,
    };
  }

  /** Unmarks the kept edges that do not intersect the boundaries of `codes`; returns how many. */
  private async clip(ways: RoadWays, edges: RoadEdges, keep: Uint8Array, codes: readonly string[], onProgress: (p: RoadImportProgress) => void): Promise<number> {
    const box = await this.roads.extent(codes);
    if (!box) return 0;
    const [west, south, east, north] = box;
    // Edges whose box misses the boundaries' box are out at once; the others are asked of the database in batches.
    const candidates: number[] = [];
    let dropped = 0;
    for (let e = 0; e < edges.count; e++) {
      if (!isEdgeKept(keep, e)) continue;
      const [w, s, ea, n] = edgeBbox(ways, edges, e);
      if (ea < west || w > east || n < south || s > north) {
        keep[e] = 0;
        dropped++;
      } else candidates.push(e);
    }
    for (let first = 0; first < candidates.length; first += CLIP_BATCH) {
      const batch = candidates.slice(first, first + CLIP_BATCH);
      const wkb = batch.map((e) => lineStringWkb(edges.vertices.subarray(edges.start[e]!, edges.start[e + 1]!), ways.vertexLon, ways.vertexLat));
      const inside = new Set(await this.roads.intersecting(codes, wkb));
      batch.forEach((e, i) => {
        if (!inside.has(i)) {
          keep[e] = 0;
          dropped++;
        }
      });
      onProgress({ phase: 'clip', done: Math.min(first + CLIP_BATCH, candidates.length), total: candidates.length });
    }
    return dropped;
  }
}
