import type { GeoJSON, Geometry, Position } from 'geojson';
import { isInMainlandChina } from './is-in-mainland-china';

/** Coordinate systems of Chinese web maps: WGS-84 (storage, GPS, OSM), GCJ-02 (AMap, Tencent), BD-09 (Baidu). */
export type Crs = 'WGS84' | 'GCJ02' | 'BD09';

export const CRS_NAMES: readonly Crs[] = ['WGS84', 'GCJ02', 'BD09'];

// GCJ-02 and BD-09: the published formulas, as in gcoord 1.0.7 and wandergis/coordtransform (the unit test checks
// them against gcoord). Written out here because gcoord.transform costs ~2.4 µs a position (its argument checks
// format the position into a message on every call), ten times the conversion itself.
const A = 6378245;
const EE = 0.006693421622965823;
const BAIDU_FACTOR = (Math.PI * 3000) / 180;

function gcjOffset(lon: number, lat: number): [number, number] {
  const x = lon - 105;
  const y = lat - 35;
  const sinX = 20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI);
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += (sinX * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += (sinX * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const radLat = (lat / 180) * Math.PI;
  const s = Math.sin(radLat);
  const magic = 1 - EE * s * s;
  const sqrtMagic = Math.sqrt(magic);
  return [(dLon * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI), (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI)];
}

function wgsToGcj(lon: number, lat: number): [number, number] {
  const [dLon, dLat] = gcjOffset(lon, lat);
  return [lon + dLon, lat + dLat];
}

/** Inverse of wgsToGcj by fixed-point iteration (the offset varies slowly): to 1e-10° (0.01 mm) in 2-4 steps. */
function gcjToWgs(lon: number, lat: number): [number, number] {
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < 30; i++) {
    const [gLon, gLat] = wgsToGcj(wLon, wLat);
    const dx = gLon - lon;
    const dy = gLat - lat;
    wLon -= dx;
    wLat -= dy;
    if (Math.abs(dx) < 1e-10 && Math.abs(dy) < 1e-10) break;
  }
  return [wLon, wLat];
}

function gcjToBd(lon: number, lat: number): [number, number] {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * BAIDU_FACTOR);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * BAIDU_FACTOR);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

function bdToGcj(lon: number, lat: number): [number, number] {
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * BAIDU_FACTOR);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * BAIDU_FACTOR);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/**
 * Boxes (west, south, east, north) where places outside the mainland lie within a shift (< 1.5 km) of it and are
 * common: Hong Kong and Macau (the Pearl River Delta), Kinmen. See convertLonLat.
 */
const NEXT_TO_HONG_KONG_MACAU_KINMEN: readonly (readonly [number, number, number, number])[] = [
  [113.45, 22.05, 114.5, 22.6],
  [118.1, 24.35, 118.5, 24.6],
];

function nextToHongKongMacauKinmen(lon: number, lat: number): boolean {
  return NEXT_TO_HONG_KONG_MACAU_KINMEN.some(([w, s, e, n]) => lon >= w && lon <= e && lat >= s && lat <= n);
}

/**
 * Longitude and latitude converted. Only a place in mainland China is shifted: outside it (Hong Kong, Macau,
 * Taiwan, other countries) the three systems are the same.
 *
 * GCJ-02 or BD-09 input is shifted back when it lies in mainland China, or when the WGS-84 place it would come
 * from does: near a coast or a border, a mainland place's shifted position may fall outside the outline. The
 * two readings can disagree only within a shift of the outline's edge. Next to Hong Kong, Macau and Kinmen the
 * first reading alone decides, so an unshifted position there (Macau's Senado Square, say) stays where it is
 * although it is also the BD-09 position of a place in Zhuhai; GCJ-02/BD-09 positions of mainland places within
 * a shift of those borders (a few hundred metres of Shenzhen, Zhuhai and Xiamen) then do not convert back.
 */
function convertLonLat(lon: number, lat: number, from: Crs, to: Crs): [number, number] {
  if (from === to) return [lon, lat];
  if (from === 'WGS84') {
    if (!isInMainlandChina(lon, lat)) return [lon, lat];
    const gcj = wgsToGcj(lon, lat);
    return to === 'GCJ02' ? gcj : gcjToBd(gcj[0], gcj[1]);
  }
  const gcj = from === 'GCJ02' ? ([lon, lat] as [number, number]) : bdToGcj(lon, lat);
  const wgs = gcjToWgs(gcj[0], gcj[1]);
  if (!isInMainlandChina(lon, lat) && (nextToHongKongMacauKinmen(lon, lat) || !isInMainlandChina(wgs[0], wgs[1]))) return [lon, lat];
  if (to === 'WGS84') return wgs;
  return to === 'GCJ02' ? gcj : gcjToBd(gcj[0], gcj[1]);
}

/** One position converted, as a new array; extra ordinates (altitude) are kept. */
export function convertPosition(position: Position, from: Crs, to: Crs): Position {
  const [x, y] = convertLonLat(position[0], position[1], from, to);
  return position.length > 2 ? [x, y, ...position.slice(2)] : [x, y];
}

type Json = Record<string, unknown>;

/**
 * A copy of a GeoJSON object member by member, in the same order: `convert` gives the members it names, the rest
 * are deep copies; a `bbox` is left out when the positions move (it would be stale).
 */
function rebuild(value: Json, keepBbox: boolean, convert: Record<string, (member: never) => unknown>): Json {
  const out: Json = {};
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (key === 'bbox' && !keepBbox) continue;
    if (Object.hasOwn(convert, key)) out[key] = convert[key](member as never);
    else out[key] = typeof member === 'object' && member !== null ? structuredClone(member) : member;
  }
  return out;
}

function convertObject(value: Json, from: Crs, to: Crs): Json {
  const p = (pos: Position) => convertPosition(pos, from, to);
  const keep = from === to;
  switch (value.type) {
    case 'Point':
      return rebuild(value, keep, { coordinates: p });
    case 'MultiPoint':
    case 'LineString':
      return rebuild(value, keep, { coordinates: (c: Position[]) => c.map(p) });
    case 'MultiLineString':
    case 'Polygon':
      return rebuild(value, keep, { coordinates: (c: Position[][]) => c.map((ring) => ring.map(p)) });
    case 'MultiPolygon':
      return rebuild(value, keep, { coordinates: (c: Position[][][]) => c.map((poly) => poly.map((ring) => ring.map(p))) });
    case 'GeometryCollection':
      return rebuild(value, keep, { geometries: (g: Geometry[]) => g.map((child) => convertObject(child as unknown as Json, from, to)) });
    case 'Feature':
      return rebuild(value, keep, { geometry: (g: Geometry | null) => (g === null ? null : convertObject(g as unknown as Json, from, to)) });
    case 'FeatureCollection':
      return rebuild(value, keep, { features: (fs: Json[]) => fs.map((f) => convertObject(f, from, to)) });
    default:
      throw new Error(`convertGeometry: unsupported GeoJSON type ${JSON.stringify(value.type)}`);
  }
}

/**
 * `value` (a position, geometry, Feature or FeatureCollection) with every position converted from one coordinate
 * system to another (see `convertPosition`), as a new object: the input is never mutated or shared, even when
 * `from` and `to` are the same. Members other than positions are deep copies; extra ordinates are kept; a `bbox`
 * is dropped when positions move.
 *
 * Points outside mainland China (Hong Kong, Macau, Taiwan, Seoul, Hanoi, ...) are left unshifted, for GCJ-02 as
 * for BD-09, as Chinese web maps do; `isInMainlandChina` decides. GCJ-02/BD-09 input is tested as it is and as
 * the place it would come from; both can hold within a shift (< 1.5 km) of the mainland's edge, see
 * `convertLonLat` for which wins.
 *
 * @throws Error for an object that is not GeoJSON (unknown `type`)
 */
export function convertGeometry<T extends GeoJSON | Position>(value: T, from: Crs, to: Crs): T {
  if (Array.isArray(value)) return convertPosition(value, from, to) as T;
  return convertObject(value as unknown as Json, from, to) as unknown as T;
}

/**
 * A stored (WGS-84) geometry or position for output in `crs`: in WGS-84 the value itself, not a copy (outputs are
 * only serialized), otherwise `convertGeometry`'s converted copy. For the hot per-node `crs` fields.
 */
export function fromWgs84<T extends GeoJSON | Position>(value: T, crs: Crs): T {
  return crs === 'WGS84' ? value : convertGeometry(value, 'WGS84', crs);
}
