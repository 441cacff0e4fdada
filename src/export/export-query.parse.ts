import { COVERAGE_AREA_CODE_MESSAGE, COVERAGE_AREA_CODE_PATTERN, ITEM_CODE_PATTERN } from '../common/codes';
import { BadInputError, NotFoundError } from '../common/errors';
import { MAX_BUDGET_MINUTES, MIN_BUDGET_MINUTES } from '../coverage/coverage.args';
import { TravelMode, TravelModelName } from '../coverage/travel-mode.enum';
import { HandlingWay } from '../handling-rule/handling-way.enum';
import { CRS_NAMES, type Crs } from '../geo/convert-geometry';
import { SiteCandidateSet, SiteObjective } from '../planning/site-suggestion.args';

/** What can be exported, and in which formats. */
export const EXPORT_KINDS = ['gaps', 'comparison', 'suggestions'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['csv', 'geojson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The query string as express parses it: a string per parameter, an array when one is given more than once. */
export type RawQuery = Readonly<Record<string, unknown>>;

/** What every export asks: the coverage question, as the GraphQL arguments name it. */
export interface CoverageQuestion {
  readonly areaCode: string;
  readonly itemCode: string | undefined;
  readonly mode: TravelMode | undefined;
  readonly minutes: number | undefined;
  readonly travelModel: TravelModelName | undefined;
  /** A saved scenario's id (saveScenario). */
  readonly scenarioId: string | undefined;
  /** The coordinates of the output (default WGS84). */
  readonly crs: Crs;
  /** The ways of handling counted (gaps and comparison; default in person). */
  readonly handling: readonly HandlingWay[] | undefined;
}

export interface SuggestionQuestion extends CoverageQuestion {
  readonly objective: SiteObjective;
  readonly count: number | undefined;
  readonly targetCoveredShare: number | undefined;
  readonly candidates: SiteCandidateSet;
  readonly gridSpacingMeters: number | undefined;
}

export type ExportRequest =
  | { readonly kind: 'gaps'; readonly format: ExportFormat; readonly question: CoverageQuestion }
  | { readonly kind: 'comparison'; readonly format: ExportFormat; readonly question: CoverageQuestion & { readonly scenarioId: string } }
  | { readonly kind: 'suggestions'; readonly format: ExportFormat; readonly question: SuggestionQuestion };

const COVERAGE_PARAMETERS = ['area', 'item', 'mode', 'minutes', 'travelModel', 'scenario', 'crs'] as const;
const SUGGESTION_PARAMETERS = ['count', 'objective', 'targetCoveredShare', 'candidates', 'gridSpacingMeters'] as const;

/** The query parameters each export takes (site suggestions count in-person handling: no `handling`). */
export const EXPORT_PARAMETERS: Readonly<Record<ExportKind, readonly string[]>> = {
  gaps: [...COVERAGE_PARAMETERS, 'handling'],
  comparison: [...COVERAGE_PARAMETERS, 'handling'],
  suggestions: [...COVERAGE_PARAMETERS, ...SUGGESTION_PARAMETERS],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Suggested sites: as suggestSites's `count`. */
const MAX_COUNT = 50;
/** Candidate sets an export offers (LOCATIONS needs a list of places: GraphQL's suggestSites takes them). */
const CANDIDATE_SETS = [SiteCandidateSet.VILLAGES, SiteCandidateSet.TOWNSHIP_SEATS, SiteCandidateSet.GRID] as const;

const show = (raw: string, n = 60) => JSON.stringify(raw.length > n ? `${raw.slice(0, n)}…` : raw);

/**
 * `/export/{kind}.{format}`'s file name: which export, in which format. An unknown one is NOT_FOUND, naming the ones
 * there are.
 */
export function parseExportFile(file: string): { kind: ExportKind; format: ExportFormat } {
  const match = /^([a-z]+)\.([a-z]+)$/.exec(file);
  const kind = match?.[1] as ExportKind | undefined;
  const format = match?.[2] as ExportFormat | undefined;
  if (!kind || !format || !EXPORT_KINDS.includes(kind) || !EXPORT_FORMATS.includes(format)) {
    throw new NotFoundError(
      `Export (the exports: ${EXPORT_KINDS.flatMap((k) => EXPORT_FORMATS.map((f) => `/export/${k}.${f}`)).join(', ')})`,
      file.slice(0, 60),
    );
  }
  return { kind, format };
}

/** The one value of a parameter, or null when absent; 400 when it is given twice, or empty. */
function single(query: RawQuery, name: string): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new BadInputError(`The query parameter ${name} is given more than once; give it once.`, { argument: name });
  if (value === '') throw new BadInputError(`The query parameter ${name} is empty; give a value or leave it out.`, { argument: name });
  return value;
}

function oneOf<T extends string>(query: RawQuery, name: string, allowed: readonly T[]): T | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  if (!allowed.includes(raw as T)) throw new BadInputError(`${name} must be one of ${allowed.join(', ')}; got ${show(raw, 30)}.`, { argument: name, allowed });
  return raw as T;
}

/** A decimal number within [min, max] (`integer`: whole), or undefined when absent. */
function numberParam(query: RawQuery, name: string, min: number, max: number, what: string, integer = false): number | undefined {
  const raw = single(query, name);
  if (raw === null) return undefined;
  const pattern = integer ? /^\d{1,6}$/ : /^\d{1,6}(\.\d{1,9})?$/;
  const value = pattern.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new BadInputError(`${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (${what}); got ${show(raw, 20)}.`, { argument: name });
  }
  return value;
}

function rejectUnknown(query: RawQuery, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(query).filter((name) => !allowed.includes(name));
  if (unknown.length === 0) return;
  const names = unknown.slice(0, 5).map((n) => show(n, 40)).join(', ');
  throw new BadInputError(`Unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}${unknown.length > 5 ? ' …' : ''} for ${where}; it takes ${allowed.join(', ')}.`, {
    argument: unknown[0]!.slice(0, 40),
    allowed,
  });
}

function coverageQuestion(query: RawQuery): CoverageQuestion {
  const areaCode = single(query, 'area');
  if (areaCode === null) throw new BadInputError('area is required: the area whose villages are exported (e.g. area=520121, or a planning area\'s code).', { argument: 'area' });
  if (!COVERAGE_AREA_CODE_PATTERN.test(areaCode)) throw new BadInputError(`${COVERAGE_AREA_CODE_MESSAGE.replace(/^areaCode/, 'area')}; got ${show(areaCode, 40)}.`, { argument: 'area' });
  const itemCode = single(query, 'item') ?? undefined;
  if (itemCode !== undefined && !ITEM_CODE_PATTERN.test(itemCode)) {
    throw new BadInputError(`item must be an item code such as CHRONIC_DISEASE_CERT; got ${show(itemCode, 40)}.`, { argument: 'item' });
  }
  const scenarioId = single(query, 'scenario') ?? undefined;
  if (scenarioId !== undefined && !UUID.test(scenarioId)) {
    throw new BadInputError(`scenario must be the id of a saved scenario (a UUID, as saveScenario returns it); got ${show(scenarioId, 40)}.`, { argument: 'scenario' });
  }
  return {
    areaCode,
    itemCode,
    mode: oneOf(query, 'mode', Object.values(TravelMode)),
    minutes: numberParam(query, 'minutes', MIN_BUDGET_MINUTES, MAX_BUDGET_MINUTES, 'the travel budget'),
    travelModel: oneOf(query, 'travelModel', Object.values(TravelModelName)),
    scenarioId: scenarioId?.toLowerCase(),
    crs: oneOf(query, 'crs', CRS_NAMES) ?? 'WGS84',
    handling: handlingParam(query),
  };
}

/** `handling=IN_PERSON,ASSISTED`: the ways counted, as coverage's `handling`; undefined when absent. */
function handlingParam(query: RawQuery): HandlingWay[] | undefined {
  const raw = single(query, 'handling');
  if (raw === null) return undefined;
  const ways = raw.split(',');
  const allowed = Object.values(HandlingWay);
  const bad = ways.find((w) => !allowed.includes(w as HandlingWay));
  if (bad !== undefined || ways.length > allowed.length) {
    throw new BadInputError(`handling must be a comma-separated list of ${allowed.join(', ')}; got ${show(raw, 40)}.`, { argument: 'handling', allowed });
  }
  return [...new Set(ways as HandlingWay[])];
}

/**
 * The query of an export, checked as GraphQL checks the arguments of the field it mirrors (coverageGaps,
 * compareCoverage, suggestSites): a parameter the export does not take, one given twice or empty, or one out of
 * range is BAD_USER_INPUT naming it.
 */
export function parseExportQuery(kind: ExportKind, format: ExportFormat, query: RawQuery): ExportRequest {
  rejectUnknown(query, EXPORT_PARAMETERS[kind], `/export/${kind}.${format}`);
  const question = coverageQuestion(query);
  switch (kind) {
    case 'gaps':
      return { kind, format, question };
    case 'comparison': {
      const { scenarioId } = question;
      if (!scenarioId) throw new BadInputError('scenario is required: the id of the saved scenario (saveScenario) to compare with the live data.', { argument: 'scenario' });
      return { kind, format, question: { ...question, scenarioId } };
    }
    case 'suggestions': {
      if (!question.itemCode) throw new BadInputError('item is required: a suggested site is a point of the kind that item needs.', { argument: 'item' });
      const objective = oneOf(query, 'objective', Object.values(SiteObjective)) ?? SiteObjective.MAX_COVERED_POPULATION;
      const count = numberParam(query, 'count', 1, MAX_COUNT, 'new sites', true);
      const targetCoveredShare = numberParam(query, 'targetCoveredShare', 0, 1, 'the share of the reachable people to reach');
      if (targetCoveredShare === 0) throw new BadInputError('targetCoveredShare must be more than 0 (and at most 1).', { argument: 'targetCoveredShare' });
      const candidates = oneOf(query, 'candidates', CANDIDATE_SETS) ?? SiteCandidateSet.VILLAGES;
      const gridSpacingMeters = numberParam(query, 'gridSpacingMeters', 200, 50_000, 'the grid spacing in metres');
      if (gridSpacingMeters !== undefined && candidates !== SiteCandidateSet.GRID) {
        throw new BadInputError('gridSpacingMeters is for candidates=GRID.', { argument: 'gridSpacingMeters' });
      }
      return { kind, format, question: { ...question, objective, count, targetCoveredShare, candidates, gridSpacingMeters } };
    }
  }
}
