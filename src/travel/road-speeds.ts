import type { TravelModeName } from './travel-model';

/**
 * The OSM `highway` classes the road network knows (plus `ferry`, from route=ferry ways), in the order of their
 * index in the network's Uint8Array of classes. The importer maps anything else (construction, proposed, raceway…)
 * away before building: an unknown class is an error, not a silent default.
 */
export const ROAD_CLASSES = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'track',
  'path',
  'cycleway',
  'footway',
  'pedestrian',
  'bridleway',
  'steps',
  'ferry',
] as const;

export type RoadClass = (typeof ROAD_CLASSES)[number];

export const TRAVEL_MODES: readonly TravelModeName[] = ['WALK', 'BICYCLE', 'EBIKE', 'CAR'];

/** The class index of `ferry`: its ways cost their duration and nothing is snapped onto them (no boarding mid-river). */
export const FERRY_CLASS = ROAD_CLASSES.indexOf('ferry');

/** km/h per mode and class; a class missing from a mode's row is closed to that mode. */
export type RoadSpeedTable = Readonly<Record<TravelModeName, Readonly<Partial<Record<RoadClass, number>>>>>;

export interface RoadSpeeds {
  /** Named in descriptions and field keys, so that two tables never share a field. */
  readonly name: string;
  /** Walking pace off the network: from a village or point to the nearest usable road (across fields, paths unmapped). */
  readonly offRoadWalkKmh: number;
  readonly kmh: RoadSpeedTable;
}

const WALK_KMH = 5;

/**
 * Defaults for rural China. Walking: 5 km/h anywhere but expressways (motorway, barred to pedestrians by the Road
 * Traffic Safety Law), 2.5 km/h on steps. Bicycles: 12 km/h on ordinary roads, slower on tracks and paths, not on
 * expressways nor steps. E-bikes (电动自行车 and small motorbikes): 20 km/h on main roads (their legal cap is 25), slower
 * on village lanes, not on expressways, footways, pedestrian streets or steps. Cars: design speeds of the Chinese
 * highway grades, lowered to what rural traffic, mixed with tractors and e-bikes, makes of them (expressway 100,
 * 一级 trunk 70, 二级 primary 50, 三级 secondary 40, 四级 tertiary 35, unclassified village roads 30, residential 20,
 * tracks 10); cars only on carriageable classes; a way's maxspeed caps the car's. Ferries: their duration when
 * known, else 10 km/h for every mode.
 */
export const DEFAULT_ROAD_SPEEDS: RoadSpeeds = {
  name: 'rural-china-2024',
  offRoadWalkKmh: 4,
  kmh: {
    WALK: {
      trunk: WALK_KMH,
      trunk_link: WALK_KMH,
      primary: WALK_KMH,
      primary_link: WALK_KMH,
      secondary: WALK_KMH,
      secondary_link: WALK_KMH,
      tertiary: WALK_KMH,
      tertiary_link: WALK_KMH,
      unclassified: WALK_KMH,
      residential: WALK_KMH,
      living_street: WALK_KMH,
      service: WALK_KMH,
      track: WALK_KMH,
      path: WALK_KMH,
      cycleway: WALK_KMH,
      footway: WALK_KMH,
      pedestrian: WALK_KMH,
      bridleway: WALK_KMH,
      steps: 2.5,
      ferry: 10,
    },
    BICYCLE: {
      trunk: 12,
      trunk_link: 12,
      primary: 12,
      primary_link: 12,
      secondary: 12,
      secondary_link: 12,
      tertiary: 12,
      tertiary_link: 12,
      unclassified: 12,
      residential: 12,
      living_street: 10,
      service: 10,
      track: 8,
      path: 8,
      cycleway: 14,
      footway: 6,
      pedestrian: 6,
      bridleway: 6,
      ferry: 10,
    },
    EBIKE: {
      trunk: 20,
      trunk_link: 20,
      primary: 20,
      primary_link: 20,
      secondary: 20,
      secondary_link: 20,
      tertiary: 20,
      tertiary_link: 20,
      unclassified: 18,
      residential: 15,
      living_street: 10,
      service: 12,
      track: 12,
      path: 10,
      cycleway: 18,
      ferry: 10,
    },
    CAR: {
      motorway: 100,
      motorway_link: 50,
      trunk: 70,
      trunk_link: 40,
      primary: 50,
      primary_link: 35,
      secondary: 40,
      secondary_link: 30,
      tertiary: 35,
      tertiary_link: 25,
      unclassified: 30,
      residential: 20,
      living_street: 10,
      service: 15,
      track: 10,
      ferry: 10,
    },
  },
};

/** The index of an OSM highway class in ROAD_CLASSES. @throws Error on a class the network does not know */
export function roadClassIndex(highway: string): number {
  const i = (ROAD_CLASSES as readonly string[]).indexOf(highway);
  if (i < 0) throw new Error(`unknown road class "${highway}"; known: ${ROAD_CLASSES.join(', ')}`);
  return i;
}

/** A change to a speed table: per mode and class, a speed in km/h, or null to close the class to the mode. */
export interface RoadSpeedOverrides {
  readonly name?: string;
  readonly offRoadWalkKmh?: number;
  readonly kmh?: Partial<Record<string, Partial<Record<string, number | null>>>>;
}

function positiveSpeed(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${where} must be a positive finite speed in km/h, got ${String(value)}`);
  return value;
}

/**
 * `base` with the overrides applied, checked: every mode must be one of TRAVEL_MODES, every class one of
 * ROAD_CLASSES, every speed a positive finite number (or null: closed). The result is named after the overrides
 * (`name`, else `<base>+custom`) so a changed table never shares a field with the default.
 *
 * @throws Error naming the first unknown mode or class, or the first speed that is not positive
 */
export function roadSpeedsWith(overrides: RoadSpeedOverrides, base: RoadSpeeds = DEFAULT_ROAD_SPEEDS): RoadSpeeds {
  const kmh: Record<string, Partial<Record<RoadClass, number>>> = {};
  for (const mode of TRAVEL_MODES) kmh[mode] = { ...base.kmh[mode] };
  for (const [mode, row] of Object.entries(overrides.kmh ?? {})) {
    if (!(TRAVEL_MODES as readonly string[]).includes(mode)) throw new Error(`unknown travel mode "${mode}" in road speeds; known: ${TRAVEL_MODES.join(', ')}`);
    for (const [cls, speed] of Object.entries(row ?? {})) {
      roadClassIndex(cls);
      const target = kmh[mode]!;
      if (speed === null) delete target[cls as RoadClass];
      else target[cls as RoadClass] = positiveSpeed(speed, `road speed ${mode}.${cls}`);
    }
  }
  const offRoadWalkKmh = overrides.offRoadWalkKmh === undefined ? base.offRoadWalkKmh : positiveSpeed(overrides.offRoadWalkKmh, 'offRoadWalkKmh');
  return { name: overrides.name ?? `${base.name}+custom`, offRoadWalkKmh, kmh: kmh as unknown as RoadSpeedTable };
}

/** km/h → metres per minute, the unit the searches divide lengths by. */
export function metersPerMinute(kmh: number): number {
  return (kmh * 1000) / 60;
}
