import { AREA_CODE_PATTERN, COVERAGE_AREA_CODE_PATTERN, ITEM_CODE_PATTERN, PLANNING_AREA_CODE_PATTERN, VILLAGE_CODE_PATTERN } from '../common/codes';
import { Role } from '../common/role.enum';
import { AreaLevel } from '../area/area-level.enum';
import { MAX_BUDGET_MINUTES, MIN_BUDGET_MINUTES } from '../coverage/coverage.args';
import { TravelMode, TravelModelName } from '../coverage/travel-mode.enum';
import { HandlingWay } from '../handling-rule/handling-way.enum';
import { ServicePointKind, ServicePointStatus } from '../service-point/service-point-kind.enum';

/**
 * The collections of the OGC API Features endpoint (/ogc), as data: what each holds, who may read it (the role of the
 * GraphQL fields it mirrors), its query parameters and its properties. The routes, the parsing of requests and the
 * OpenAPI description are all made from this list, so a new collection is one more entry here plus its source in
 * ogc.service.ts (the id union below makes the compiler ask for it).
 */
export type OgcCollectionId = 'service-points' | 'villages' | 'areas' | 'planning-areas' | 'coverage-gaps';

/** A JSON Schema (the OpenAPI 3.0 subset) of a parameter or property. */
export interface OgcSchema {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  readonly nullable?: boolean;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly format?: string;
  readonly items?: OgcSchema;
  readonly example?: string | number;
}

/** A value of a collection's query parameter once checked: text, a number, or a list (comma-separated values). */
export type OgcParameterValue = string | number | readonly string[];

/** A query parameter of a collection (a property filter or, for coverage gaps, the question asked). */
export interface OgcParameter {
  readonly name: string;
  readonly description: string;
  readonly schema: OgcSchema;
  /** Comma-separated values allowed (any of them matches). */
  readonly list?: boolean;
  /** For a list: the values it may hold. */
  readonly values?: readonly string[];
  /** The checked value; throws a message (the caller wraps it in a 400) when the value is malformed. */
  readonly parse: (raw: string) => OgcParameterValue;
}

export interface OgcCollectionSpec {
  readonly id: OgcCollectionId;
  readonly title: string;
  readonly description: string;
  /** The roles its GraphQL fields take, any one of them (READER: directory and areas; PLANNER: coverage). */
  readonly roles: readonly Role[];
  /** GeoJSON geometry type of its features (areas without a boundary, i.e. townships, have none: null). */
  readonly geometryType: 'Point' | 'MultiPolygon';
  readonly featureId: { readonly description: string; readonly pattern: RegExp; readonly example: string };
  readonly parameters: readonly OgcParameter[];
  /** Every feature carries every one of these properties (null where there is no value), in this order. */
  readonly properties: Readonly<Record<string, OgcSchema & { readonly description: string }>>;
  /** Most features a page may hold (`limit` above it is taken as it, as the standard says); default MAX_PAGE_SIZE. */
  readonly maxLimit?: number;
  /** Rate-limit points a request for items costs before its features (1 each); a single feature costs this too. */
  readonly baseCost: number;
}

/* ------------------------------------------------------------------------------------------------------------
 * Parameters
 * ---------------------------------------------------------------------------------------------------------- */

const show = (raw: string, n = 40) => JSON.stringify(raw.length > n ? `${raw.slice(0, n)}…` : raw);

function codeParameter(name: string, description: string, pattern: RegExp, what: string, example: string): OgcParameter {
  return {
    name,
    description,
    schema: { type: 'string', pattern: pattern.source, example },
    parse: (raw) => {
      if (!pattern.test(raw)) throw new Error(`${name} must be ${what}, got ${show(raw)}.`);
      return raw;
    },
  };
}

function enumParameter(name: string, description: string, values: readonly string[], list: boolean): OgcParameter {
  return {
    name,
    description: list ? `${description} Several values: comma-separated (any of them).` : description,
    // A list as one string (kind=TOWNSHIP_STATION,COUNTY_HALL): clients that filter by plain string parameters (QGIS,
    // GDAL) then see it as one, and the pattern says what it holds.
    schema: list ? { type: 'string', pattern: `^(${values.join('|')})(,(${values.join('|')}))*$`, example: values[0] } : { type: 'string', enum: values },
    list,
    values,
    parse: (raw) => {
      const parts = list ? raw.split(',') : [raw];
      const out = parts.map((p) => {
        const value = p.trim().toUpperCase();
        if (!values.includes(value)) throw new Error(`${name} must be ${list ? 'one or more (comma-separated) of' : 'one of'} ${values.join(', ')}, got ${show(raw)}.`);
        return value;
      });
      return list ? [...new Set(out)] : out[0]!;
    },
  };
}

const AREA_CODE = (description: string) =>
  codeParameter('areaCode', description, AREA_CODE_PATTERN, 'an official area code of 2, 4, 6 or 9 digits (province, city, county, township)', '520121');

const ITEM = (description: string) => codeParameter('item', description, ITEM_CODE_PATTERN, 'a service-item code such as CHRONIC_DISEASE_CERT', 'CHRONIC_DISEASE_CERT');

const COVERAGE_PARAMETERS: readonly OgcParameter[] = [
  codeParameter(
    'areaCode',
    "The area whose villages are looked at (2, 4, 6 or 9 digits, everything below it; or a planning area's code). Default: all the data.",
    COVERAGE_AREA_CODE_PATTERN,
    "an official area code of 2, 4, 6 or 9 digits, or a planning area's code (capital letters first)",
    '520121',
  ),
  ITEM('Count only points offering this service item. Default: any item (any active point counts).'),
  enumParameter('mode', 'How residents travel. Default: DEFAULT_TRAVEL_MODE (EBIKE).', Object.values(TravelMode), false),
  {
    name: 'minutes',
    description: `Time budget in minutes, ${MIN_BUDGET_MINUTES} to ${MAX_BUDGET_MINUTES}. Default: DEFAULT_BUDGET_MINUTES (15).`,
    schema: { type: 'number', minimum: MIN_BUDGET_MINUTES, maximum: MAX_BUDGET_MINUTES, example: 15 },
    parse: (raw) => {
      const minutes = /^\d{1,4}(\.\d{1,6})?$/.test(raw) ? Number(raw) : Number.NaN;
      if (!(minutes >= MIN_BUDGET_MINUTES && minutes <= MAX_BUDGET_MINUTES)) {
        throw new Error(`minutes must be a number from ${MIN_BUDGET_MINUTES} to ${MAX_BUDGET_MINUTES} (the travel budget), got ${show(raw, 20)}.`);
      }
      return minutes;
    },
  },
  enumParameter('travelModel', 'How travel time is estimated. Default: STRAIGHT_LINE.', Object.values(TravelModelName), false),
  enumParameter(
    'handling',
    "The ways of handling counted (needs item): ASSISTED counts the points that accept the item on a resident's behalf, ONLINE the villages whose area has an online channel for it. Default: IN_PERSON.",
    Object.values(HandlingWay),
    true,
  ),
  {
    name: 'scenario',
    description: 'The id of a saved what-if scenario (saveScenario) to evaluate instead of the live data.',
    schema: { type: 'string', format: 'uuid' },
    parse: (raw) => {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) throw new Error(`scenario must be the id of a saved scenario (a UUID), got ${show(raw)}.`);
      return raw.toLowerCase();
    },
  },
];

/* ------------------------------------------------------------------------------------------------------------
 * The collections
 * ---------------------------------------------------------------------------------------------------------- */

const SYNTHETIC = 'Village locations, township seats and populations in the seed data are synthetic; names and codes are real.';

export const OGC_COLLECTIONS: readonly OgcCollectionSpec[] = [
  {
    id: 'service-points',
    title: 'Service points',
    description: 'Places where medical-insurance business can be handled: village points, township stations, county halls and hospital stations, any status (GraphQL servicePoints).',
    roles: [Role.READER],
    geometryType: 'Point',
    featureId: { description: 'The point id, e.g. TS-520121101.', pattern: /^[A-Z0-9][A-Z0-9-]{2,63}$/, example: 'TS-520121101' },
    parameters: [
      AREA_CODE('Points in this area or any area below it (2, 4, 6 or 9 digits).'),
      enumParameter('kind', 'Only points of this kind.', Object.values(ServicePointKind), true),
      enumParameter('status', 'Only points with this status (only ACTIVE ones count for coverage).', Object.values(ServicePointStatus), true),
      ITEM('Only points offering this service item.'),
      codeParameter('villageCode', 'Only the points of this village (12 digits).', VILLAGE_CODE_PATTERN, 'a 12-digit village code', '520121101002'),
    ],
    properties: {
      id: { type: 'string', description: 'Stable id, e.g. TS-520121100 (township station) or VP-520121100201 (village point).' },
      name: { type: 'string', description: 'Name (Chinese).' },
      kind: { type: 'string', enum: Object.values(ServicePointKind), description: 'Village point, township station, county hall or hospital station.' },
      status: { type: 'string', enum: Object.values(ServicePointStatus), description: 'Only ACTIVE points count for coverage.' },
      areaCode: { type: 'string', description: 'The township (or, for halls and hospital stations, county) it is filed under.' },
      villageCode: { type: 'string', nullable: true, description: 'Its village (village points).' },
      address: { type: 'string', nullable: true, description: 'Address.' },
      phone: { type: 'string', nullable: true, description: 'Telephone.' },
      openingHours: { type: 'string', nullable: true, description: 'Opening hours, OpenStreetMap opening_hours syntax.' },
      itemCodes: { type: 'array', items: { type: 'string' }, description: 'The service items it handles.' },
      locationSynthetic: { type: 'boolean', description: 'True when the location is synthetic (generated), not surveyed.' },
    },
    baseCost: 1,
  },
  {
    id: 'villages',
    title: 'Villages',
    description: `Villages and residential communities with their population (GraphQL villages). ${SYNTHETIC}`,
    roles: [Role.READER],
    geometryType: 'Point',
    featureId: { description: 'The official 12-digit village code.', pattern: VILLAGE_CODE_PATTERN, example: '520121101002' },
    parameters: [
      AREA_CODE('Villages in this area (2, 4, 6 or 9 digits; everything below it).'),
      codeParameter('countyCode', 'Villages of this county (6 digits).', /^\d{6}$/, 'a 6-digit county code', '520121'),
      codeParameter('townshipCode', 'Villages of this township (9 digits).', /^\d{9}$/, 'a 9-digit township code', '520121101'),
      {
        name: 'name',
        description: 'Villages of exactly this name.',
        schema: { type: 'string', maxLength: 50 },
        parse: (raw) => {
          if (raw.length === 0 || raw.length > 50 || raw.includes('\u0000')) throw new Error(`name must be 1 to 50 characters, got ${show(raw)}.`);
          return raw;
        },
      },
    ],
    properties: {
      code: { type: 'string', description: 'Official 12-digit code.' },
      name: { type: 'string', description: 'Name (Chinese).' },
      townshipCode: { type: 'string', description: 'Its township (9 digits).' },
      countyCode: { type: 'string', description: 'Its county (6 digits).' },
      population: { type: 'integer', description: 'Residents (synthetic in the seed data).' },
      locationSynthetic: { type: 'boolean', description: 'True when location and population are synthetic (generated), not surveyed.' },
    },
    baseCost: 1,
  },
  {
    id: 'areas',
    title: 'Administrative areas',
    description:
      'Provinces, cities, counties and townships with their boundaries (GraphQL areas); townships have no boundary in the data, so their geometry is null. villageCount and population count the villages below each area.',
    roles: [Role.READER],
    geometryType: 'MultiPolygon',
    featureId: { description: 'The official area code (2, 4, 6 or 9 digits).', pattern: AREA_CODE_PATTERN, example: '520121' },
    parameters: [
      AREA_CODE('This area and the areas below it (2, 4, 6 or 9 digits).'),
      enumParameter('level', 'Only areas of this level.', Object.values(AreaLevel), false),
      codeParameter('parentCode', 'Only the areas directly below this one.', AREA_CODE_PATTERN, 'an official area code of 2, 4, 6 or 9 digits', '520121'),
    ],
    properties: {
      code: { type: 'string', description: 'Official code (2, 4, 6 or 9 digits).' },
      name: { type: 'string', description: 'Name (Chinese).' },
      level: { type: 'string', enum: Object.values(AreaLevel), description: 'Administrative level.' },
      parentCode: { type: 'string', nullable: true, description: 'The area it lies in (null for provinces).' },
      villageCount: { type: 'integer', description: 'Villages in the area, at every level below it.' },
      population: { type: 'integer', description: 'Total population of its villages (synthetic in the seed data).' },
    },
    // Boundaries are large (a county's is thousands of vertices): smaller pages.
    maxLimit: 100,
    baseCost: 1,
  },
  {
    id: 'planning-areas',
    title: 'Planning areas',
    description:
      "Planners' own areas (GraphQL planningAreas): a polygon, or townships and villages (those have no geometry: null). Their codes go as areaCode to the coverage-gaps collection and to every coverage question.",
    roles: [Role.PLANNER, Role.EDITOR],
    geometryType: 'MultiPolygon',
    featureId: { description: "The planning area's code (capital letters first).", pattern: PLANNING_AREA_CODE_PATTERN, example: 'TAIBAI_LAKE' },
    parameters: [],
    properties: {
      code: { type: 'string', description: 'Its code.' },
      name: { type: 'string', description: 'Its name.' },
      description: { type: 'string', nullable: true, description: 'What it is for.' },
      memberCodes: { type: 'string', nullable: true, description: 'Townships and villages it is made of, comma-joined (null for a polygon area).' },
      villageCount: { type: 'integer', description: 'Villages in it now.' },
      population: { type: 'integer', description: 'Residents of those villages.' },
      updatedAt: { type: 'string', description: 'When it was last defined (ISO 8601).' },
    },
    maxLimit: 100,
    baseCost: 1,
  },
  {
    id: 'coverage-gaps',
    title: 'Coverage gaps',
    description:
      'Villages that no active point offering the item reaches within the budget (GraphQL coverageGaps: the same engine, figures and provenance), most people first, each with its nearest such point. ' +
      `Query parameters item, mode, minutes, travelModel and areaCode say what is asked; every feature names the data version, travel model and method it was computed from. ${SYNTHETIC}`,
    roles: [Role.PLANNER],
    geometryType: 'Point',
    featureId: { description: 'The 12-digit code of the village (404 when it is covered).', pattern: VILLAGE_CODE_PATTERN, example: '520121101002' },
    parameters: COVERAGE_PARAMETERS,
    properties: {
      code: { type: 'string', description: 'The village (12 digits).' },
      name: { type: 'string', description: 'Its name.' },
      townshipCode: { type: 'string', description: 'Its township (9 digits).' },
      countyCode: { type: 'string', description: 'Its county (6 digits).' },
      population: { type: 'integer', description: 'Its residents (synthetic in the seed data).' },
      nearestServicePointId: { type: 'string', nullable: true, description: 'The nearest counted point (within 300 km), out of reach.' },
      nearestServicePointName: { type: 'string', nullable: true, description: 'Its name.' },
      distanceMeters: { type: 'number', nullable: true, description: 'Geodesic metres to it.' },
      travelMinutes: { type: 'number', nullable: true, description: 'Travel minutes to it under the travel model.' },
      offRoadNetwork: { type: 'boolean', nullable: true, description: 'ROAD only: farther than the off-road limit from every usable road (minutes by the straight line); null under STRAIGHT_LINE.' },
      itemCode: { type: 'string', nullable: true, description: 'The item asked about (null: any item).' },
      mode: { type: 'string', enum: Object.values(TravelMode), description: 'The travel mode.' },
      minutes: { type: 'number', description: 'The time budget.' },
      travelModel: { type: 'string', enum: Object.values(TravelModelName), description: 'The travel model the figures come from.' },
      method: { type: 'string', description: 'How they were computed (INDEX: the engine\'s accessibility field).' },
      handling: { type: 'string', description: 'The ways of handling counted, comma-separated (IN_PERSON by default).' },
      dataVersion: { type: 'string', description: 'The data version they were computed from.' },
      scenario: { type: 'string', nullable: true, description: 'The saved what-if scenario evaluated (null: the live data).' },
    },
    // A coverage computation (as GraphQL prices coverageGaps), then 1 per feature.
    baseCost: 50,
  },
];

export function findCollection(id: string): OgcCollectionSpec | undefined {
  return OGC_COLLECTIONS.find((c) => c.id === id);
}
