import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { OSMTransform } from 'osm-pbf-parser-node';
import { RoadImportError } from './road-import.error';
import { ROAD_TAG_KEYS, roadWayTags, type RoadWayTags } from './road-way-tags';
import { GrowableArray, type RoadWays } from './road-ways';

/** Progress of a pass over the file: bytes read from the file stream so far, of its size. */
export interface PbfProgress {
  readonly pass: 1 | 2;
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

interface OsmItem {
  readonly type?: 'node' | 'way' | 'relation';
  readonly id: number;
  readonly lon: number;
  readonly lat: number;
  readonly refs: readonly number[];
  readonly tags?: Record<string, string>;
  /** Header block only. */
  readonly required_features?: readonly string[];
}

/** The features a reader of plain OSM data understands (a history file, with several versions per object, is not that). */
const SUPPORTED_FEATURES = new Set(['OsmSchema-V0.6', 'DenseNodes']);

/**
 * Whether the file starts as OSM PBF does: a 4-byte big-endian length of the first BlobHeader (small), then that
 * header's field 1, the blob type "OSMHeader" (or "OSMData"). Checked before parsing: the parser would otherwise
 * take any four bytes for a length and buffer the whole file waiting for it.
 */
export function looksLikePbf(head: Buffer): boolean {
  if (head.length < 8) return false;
  const headerLength = head.readUInt32BE(0);
  if (headerLength < 4 || headerLength > 64 * 1024 || head[4] !== 0x0a) return false;
  const typeLength = head[5]!;
  const type = head.subarray(6, 6 + typeLength).toString('latin1');
  return type === 'OSMHeader' || type === 'OSMData';
}

/** The blocks of the file, parsed, as the file stream delivers them. */
async function* osmBlocks(file: string, onBytes: (bytes: number) => void): AsyncGenerator<OsmItem[]> {
  const input = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  input.on('data', (chunk) => onBytes(chunk.length));
  // Only the tags the importer reads: fewer strings made per way, none per node.
  const osm = new OSMTransform({ withTags: { node: false, way: [...ROAD_TAG_KEYS], relation: false } });
  // pipeline destroys both streams on an error, which then ends the iteration below with it; an early return
  // (pass 2 stopping once every node is found) destroys them too, and the premature close is no error here.
  pipeline(input, osm, () => undefined);
  try {
    for await (const batch of osm as AsyncIterable<OsmItem[]>) yield batch;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('E') && (err as NodeJS.ErrnoException).syscall) throw err;
    throw new RoadImportError('FILE', `${file} is not a complete OSM PBF file (truncated or damaged: ${(err as Error).message})`);
  } finally {
    input.destroy();
  }
}

/** Index of `id` in the ascending `ids`, −1 when absent. */
function indexOf(ids: Float64Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v < id) lo = mid + 1;
    else if (v > id) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * The road ways of an OSM PBF file, in bounded memory: two streaming passes and typed arrays, no object per node.
 * Pass 1 keeps the road ways (their tags and node ids); their node ids, sorted, become the vertex table (with how
 * often the ways use each: the junctions). Pass 2 reads the coordinates of those nodes only, and stops once it has
 * all of them (a file sorted as osmium writes it holds every node before the first way). A node the file does not
 * hold keeps NaN coordinates (splitRoadWays cuts the way there). A truncated file fails in pass 1, unless it ends
 * exactly between two blocks: PBF has no end marker, so such a file reads as a smaller, complete one.
 *
 * @throws RoadImportError (FILE) when the file is no OSM PBF, is truncated or damaged, or is a history file
 */
export async function roadWaysFromPbf(
  file: string,
  onProgress: (p: PbfProgress) => void = () => undefined,
): Promise<RoadWays & { waysRead: number; nodesRead: number }> {
  const bytesTotal = fs.statSync(file).size;
  const wayTags: RoadWayTags[] = [];
  const wayOsmId = new GrowableArray(Float64Array);
  const wayStart = new GrowableArray(Uint32Array);
  const refIds = new GrowableArray(Float64Array, 1 << 16);
  let waysRead = 0;
  let nodesRead = 0;

  let bytesRead = 0;
  for await (const batch of osmBlocks(file, (n) => onProgress({ pass: 1, bytesRead: (bytesRead += n), bytesTotal }))) {
    for (const item of batch) {
      if (item.type === 'node') nodesRead++;
      else if (item.type === 'way') {
        waysRead++;
        const tags = roadWayTags(item.tags);
        if (!tags || item.refs.length < 2) continue;
        wayTags.push(tags);
        wayOsmId.push(item.id);
        wayStart.push(refIds.length);
        for (const ref of item.refs) refIds.push(ref);
      } else if (item.type === undefined) {
        const unsupported = (item.required_features ?? []).filter((f) => !SUPPORTED_FEATURES.has(f));
        if (unsupported.length) throw new RoadImportError('FILE', `${file} needs features this reader does not have (${unsupported.join(', ')}): use a current extract, not a history file`);
      }
    }
  }
  wayStart.push(refIds.length);

  // The vertex table: the distinct node ids the road ways use, ascending, and how often they are used.
  const ids = refIds.toArray();
  const sorted = ids.slice().sort();
  const uses = new Uint8Array(sorted.length);
  let vertexCount = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[vertexCount - 1]) {
      if (uses[vertexCount - 1]! < 255) uses[vertexCount - 1]!++;
    } else {
      sorted[vertexCount] = sorted[i]!;
      uses[vertexCount++] = 1;
    }
  }
  const vertexOsmId = sorted.slice(0, vertexCount);
  const refs = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) refs[i] = indexOf(vertexOsmId, ids[i]!);

  const lon = new Float64Array(vertexCount).fill(NaN);
  const lat = new Float64Array(vertexCount).fill(NaN);
  let found = 0;
  if (vertexCount > 0) {
    const [minId, maxId] = [vertexOsmId[0]!, vertexOsmId[vertexCount - 1]!];
    bytesRead = 0;
    pass2: for await (const batch of osmBlocks(file, (n) => onProgress({ pass: 2, bytesRead: (bytesRead += n), bytesTotal }))) {
      for (const item of batch) {
        if (item.type !== 'node' || item.id < minId || item.id > maxId) continue;
        const v = indexOf(vertexOsmId, item.id);
        if (v < 0 || !Number.isNaN(lon[v]!)) continue;
        lon[v] = item.lon;
        lat[v] = item.lat;
        if (++found === vertexCount) break pass2;
      }
    }
  }
  onProgress({ pass: 2, bytesRead: bytesTotal, bytesTotal });

  return {
    waysRead,
    nodesRead,
    wayCount: wayTags.length,
    wayTags,
    wayOsmId: wayOsmId.toArray(),
    wayStart: wayStart.toArray(),
    refs,
    vertexCount,
    vertexLon: lon,
    vertexLat: lat,
    vertexOsmId,
    vertexUses: uses.slice(0, vertexCount),
  };
}
