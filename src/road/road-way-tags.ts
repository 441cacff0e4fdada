import { ROAD_CLASSES, type RoadClass } from '../travel/road-speeds';

/** What the network keeps of an OSM way's tags (or of a GeoJSON LineString's OSM-like properties). */
export interface RoadWayTags {
  readonly highway: RoadClass;
  /** 0 two-way, 1 one-way in drawing order, −1 one-way against it (cars only; the routing reads it so). */
  readonly oneway: -1 | 0 | 1;
  readonly maxspeedKmh: number | null;
  /** A ferry's crossing time (OSM `duration`); null when the ferry has none (then the speed table's ferry speed applies). */
  readonly ferryMinutes: number | null;
  readonly name: string | null;
}

/** The tag keys roadWayTags reads: the PBF reader asks the parser for these only. */
export const ROAD_TAG_KEYS = ['highway', 'route', 'ferry', 'oneway', 'junction', 'maxspeed', 'duration', 'name', 'area'] as const;

const CLASSES: ReadonlySet<string> = new Set(ROAD_CLASSES.filter((c) => c !== 'ferry'));

const text = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
};

/**
 * km/h from an OSM `maxspeed`: "60", "60 km/h", "30 mph", "60;40" (the first); a number as GeoJSON may hold it.
 * Null for what is no limit in km/h ("none", "walk", "signals", zone codes such as "CN:urban"): the speed table's
 * class speed then applies, which is what a missing tag means too.
 */
export function maxspeedKmh(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : null;
  const s = text(value)?.split(';')[0]?.trim();
  const m = s ? /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/i.exec(s) : null;
  if (!m) return null;
  const n = Number(m[1]) * (m[2]?.toLowerCase() === 'mph' ? 1.609344 : m[2]?.toLowerCase() === 'knots' ? 1.852 : 1);
  return n > 0 ? n : null;
}

/**
 * Minutes from an OSM `duration`: "hh:mm", "hh:mm:ss", "mm", ISO 8601 "PT1H30M"; a number (GeoJSON) is minutes.
 * Null when absent, unreadable or not positive.
 */
export function durationMinutes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : null;
  const s = text(value);
  if (!s) return null;
  let minutes: number | null = null;
  const clock = /^(\d+(?:\.\d+)?)(?::(\d{1,2}(?:\.\d+)?))?(?::(\d{1,2}(?:\.\d+)?))?$/.exec(s);
  if (clock) {
    const [a, b, c] = [Number(clock[1]), clock[2] === undefined ? null : Number(clock[2]), clock[3] === undefined ? null : Number(clock[3])];
    minutes = b === null ? a : c === null ? a * 60 + b : a * 60 + b + c / 60;
  } else {
    const iso = /^P(?:T)?(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(s);
    if (iso && (iso[1] || iso[2] || iso[3])) minutes = Number(iso[1] ?? 0) * 60 + Number(iso[2] ?? 0) + Number(iso[3] ?? 0) / 60;
  }
  return minutes !== null && Number.isFinite(minutes) && minutes > 0 ? minutes : null;
}

/**
 * The way's road attributes, or null when no travel mode can use it. Kept: `highway` of a class in ROAD_CLASSES
 * (construction, proposed, platform, raceway… are not), except areas (`area=yes`: a square's outline is no way
 * through it); ferries: `route=ferry` (GeoJSON may also say `highway=ferry` or `ferry=yes`), class `ferry`, with
 * their `duration`. One-way: `oneway=yes|true|1` forwards, `-1|reverse` backwards, `no` two-way; without the tag,
 * motorways and roundabouts are one-way (OSM's implied oneway), everything else two-way; `reversible` and
 * `alternating` (one direction at a time) count as two-way.
 */
export function roadWayTags(tags: Readonly<Record<string, unknown>> | null | undefined): RoadWayTags | null {
  if (!tags) return null;
  const highway = text(tags.highway);
  const ferry = text(tags.route) === 'ferry' || highway === 'ferry' || tags.ferry === true || text(tags.ferry) === 'yes';
  let cls: RoadClass;
  if (ferry) cls = 'ferry';
  else if (highway !== null && CLASSES.has(highway) && text(tags.area) !== 'yes') cls = highway as RoadClass;
  else return null;
  const onewayTag = text(tags.oneway)?.toLowerCase() ?? null;
  let oneway: -1 | 0 | 1;
  if (onewayTag === 'yes' || onewayTag === 'true' || onewayTag === '1') oneway = 1;
  else if (onewayTag === '-1' || onewayTag === 'reverse') oneway = -1;
  else if (onewayTag !== null) oneway = 0;
  else {
    const junction = text(tags.junction);
    oneway = cls === 'motorway' || junction === 'roundabout' || junction === 'circular' ? 1 : 0;
  }
  return {
    highway: cls,
    oneway,
    maxspeedKmh: cls === 'ferry' ? null : maxspeedKmh(tags.maxspeed),
    ferryMinutes: cls === 'ferry' ? durationMinutes(tags.duration) : null,
    name: text(tags.name),
  };
}
