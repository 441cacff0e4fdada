import { RoadImportError } from './road-import.error';
import { roadWayTags, type RoadWayTags } from './road-way-tags';
import { GrowableArray, type RoadWays } from './road-ways';

/** An OSM id from a feature id or property: 123, "123", "way/123" (osmtogeojson's `@id`); NaN otherwise. */
function osmId(value: unknown): number {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : NaN;
  if (typeof value !== 'string') return NaN;
  const m = /^(?:w|way\/)?(\d{1,16})$/.exec(value.trim());
  return m ? Number(m[1]) : NaN;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The road ways of a GeoJSON FeatureCollection (or one Feature): LineStrings and MultiLineStrings (each part a way)
 * whose properties are OSM tags (`highway`, `oneway`, `maxspeed`, `route=ferry`, `duration`, `name`; see
 * roadWayTags). Other geometries and non-road features are passed over. Ways meet where they share a position
 * exactly (GeoJSON has no node ids). The way's OSM id is read from the feature's `id` or its `@id`, `osm_way_id` or
 * `osm_id` property when there is one.
 *
 * @throws RoadImportError (FILE) when the value is no FeatureCollection or a position is not [longitude, latitude]
 */
export function roadWaysFromGeoJson(data: unknown): RoadWays & { featuresRead: number } {
  let features: unknown[];
  if (isObject(data) && data.type === 'FeatureCollection' && Array.isArray(data.features)) features = data.features;
  else if (isObject(data) && data.type === 'Feature') features = [data];
  else throw new RoadImportError('FILE', 'the GeoJSON is not a FeatureCollection of LineStrings (its "type" must be "FeatureCollection", with a "features" array)');

  const wayTags: RoadWayTags[] = [];
  const wayOsmId = new GrowableArray(Float64Array);
  const wayStart = new GrowableArray(Uint32Array);
  const refs = new GrowableArray(Uint32Array);
  const lon = new GrowableArray(Float64Array);
  const lat = new GrowableArray(Float64Array);
  const uses = new GrowableArray(Uint8Array);
  const vertexOf = new Map<string, number>();

  features.forEach((feature, f) => {
    if (!isObject(feature) || feature.type !== 'Feature') throw new RoadImportError('FILE', `feature ${f + 1} is not a GeoJSON Feature`);
    const geometry = feature.geometry;
    if (!isObject(geometry)) return;
    let lines: unknown[];
    if (geometry.type === 'LineString') lines = [geometry.coordinates];
    else if (geometry.type === 'MultiLineString' && Array.isArray(geometry.coordinates)) lines = geometry.coordinates;
    else return;
    const properties = isObject(feature.properties) ? feature.properties : {};
    const tags = roadWayTags(properties);
    if (!tags) return;
    const id = [feature.id, properties['@id'], properties.osm_way_id, properties.osm_id].map(osmId).find((n) => !Number.isNaN(n)) ?? NaN;
    for (const line of lines) {
      if (!Array.isArray(line)) throw new RoadImportError('FILE', `feature ${f + 1}: the coordinates of a ${geometry.type} must be an array of positions`);
      if (line.length < 2) continue;
      wayTags.push(tags);
      wayOsmId.push(id);
      wayStart.push(refs.length);
      for (const position of line) {
        const [x, y] = Array.isArray(position) ? (position as unknown[]) : [];
        if (typeof x !== 'number' || typeof y !== 'number' || !(Math.abs(x) <= 180) || !(Math.abs(y) <= 90)) {
          throw new RoadImportError('FILE', `feature ${f + 1}: ${JSON.stringify(position)} is not a [longitude, latitude] position (WGS-84 degrees)`);
        }
        const key = `${x} ${y}`;
        let v = vertexOf.get(key);
        if (v === undefined) {
          v = lon.length;
          vertexOf.set(key, v);
          lon.push(x);
          lat.push(y);
          uses.push(0);
        }
        refs.push(v);
        uses.set(v, Math.min(255, uses.at(v) + 1));
      }
    }
  });
  wayStart.push(refs.length);
  const vertexCount = lon.length;
  return {
    featuresRead: features.length,
    wayCount: wayTags.length,
    wayTags,
    wayOsmId: wayOsmId.toArray(),
    wayStart: wayStart.toArray(),
    refs: refs.toArray(),
    vertexCount,
    vertexLon: lon.toArray(),
    vertexLat: lat.toArray(),
    vertexOsmId: new Float64Array(vertexCount).fill(NaN),
    vertexUses: uses.toArray(),
  };
}
