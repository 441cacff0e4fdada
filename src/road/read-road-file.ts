import fs from 'node:fs';
import { RoadImportError } from './road-import.error';
import type { RoadWays } from './road-ways';
import { roadWaysFromGeoJson } from './road-ways-from-geojson';
import { looksLikePbf, roadWaysFromPbf, type PbfProgress } from './road-ways-from-pbf';

export type RoadFileFormat = 'PBF' | 'GEOJSON';

/** The longest string V8 makes (~512 MiB): a GeoJSON file is parsed whole, so a bigger one cannot be read. */
const MAX_GEOJSON_BYTES = 0x1fffffe8;

function head(file: string, bytes: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The road ways of an OSM PBF file (streamed, two passes) or a GeoJSON file (parsed whole), told apart by their
 * first bytes, not their name.
 *
 * @throws RoadImportError (FILE) when the file cannot be read, is neither, or is damaged (see the readers)
 */
export async function readRoadFile(file: string, onProgress?: (p: PbfProgress) => void): Promise<{ format: RoadFileFormat; ways: RoadWays; waysRead: number }> {
  let start: Buffer;
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    size = stat.size;
    start = head(file, 64);
  } catch (err) {
    throw new RoadImportError('FILE', `${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (looksLikePbf(start)) {
    const ways = await roadWaysFromPbf(file, onProgress);
    return { format: 'PBF', ways, waysRead: ways.waysRead };
  }
  const text = start.toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) {
    if (size > MAX_GEOJSON_BYTES) throw new RoadImportError('FILE', `${file} is a GeoJSON file of ${Math.round(size / 2 ** 20)} MiB; GeoJSON is read whole, up to 512 MiB: import an OSM PBF extract instead`);
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new RoadImportError('FILE', `${file} is not valid GeoJSON (${(err as Error).message})`);
    }
    const ways = roadWaysFromGeoJson(data);
    return { format: 'GEOJSON', ways, waysRead: ways.featuresRead };
  }
  if (text.startsWith('<')) throw new RoadImportError('FILE', `${file} looks like OSM XML, which is not read here: convert it with \`osmium cat ${file} -o roads.osm.pbf\``);
  throw new RoadImportError('FILE', `${file} is neither an OSM PBF file nor GeoJSON`);
}
