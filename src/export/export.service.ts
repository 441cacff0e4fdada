import type { Position } from 'geojson';
import type { Area } from '../area/area.entity';
import type { CsvValue } from '../common/csv-cell';
import type { Deadline } from '../common/deadline';
import { villageCoverage } from '../coverage/coverage-figures';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { CoverageService, CoverageView } from '../coverage/coverage.service';
import type { CoverageProvenance, VillageCoverage } from '../coverage/coverage.type';
import { CoverageMethod } from '../coverage/travel-mode.enum';
import { fromWgs84, type Crs } from '../geo/convert-geometry';
import { SiteMethod, type SuggestSitesArgs } from '../planning/site-suggestion.args';
import type { SiteSuggestionService } from '../planning/site-suggestion.service';
import type { ServicePoint } from '../service-point/service-point.entity';
import type { Village } from '../village/village.entity';
import type { CoverageQuestion, ExportKind, SuggestionQuestion } from './export-query.parse';

type Loaders = CoverageLoaders;

/** One row of an export: its cells by column, and where it is (in the export's crs). */
export interface ExportRow {
  /** The feature id: a village's code, or a suggested site's key. */
  readonly id: string;
  readonly cells: Readonly<Record<string, CsvValue>>;
  readonly position: Position;
}

/**
 * An export's content, whatever its format: the rows (one per village or site) under named columns, what the
 * answer says as a whole (`summary`: GeoJSON members), and how it was computed (the provenance GraphQL gives).
 */
export interface ExportTable {
  readonly kind: ExportKind;
  /** Column names in order; `longitude` and `latitude` are the position (in the export's crs). */
  readonly columns: readonly string[];
  readonly rows: readonly ExportRow[];
  readonly summary: Readonly<Record<string, unknown>>;
  readonly provenance: CoverageProvenance;
  readonly areaCode: string;
  readonly itemCode: string | null;
  readonly crs: Crs;
}

const GAP_COLUMNS = [
  'rank',
  'code',
  'name',
  'townshipCode',
  'townshipName',
  'population',
  'nearestServicePointId',
  'nearestServicePointName',
  'travelMinutes',
  'distanceMeters',
  'offRoadNetwork',
  'longitude',
  'latitude',
] as const;

const COMPARISON_COLUMNS = [
  'change',
  'code',
  'name',
  'townshipCode',
  'townshipName',
  'population',
  'travelMinutesBefore',
  'travelMinutesAfter',
  'nearestServicePointIdBefore',
  'nearestServicePointNameBefore',
  'nearestServicePointIdAfter',
  'nearestServicePointNameAfter',
  'distanceMetersBefore',
  'distanceMetersAfter',
  'longitude',
  'latitude',
] as const;

const SUGGESTION_COLUMNS = [
  'rank',
  'key',
  'name',
  'kind',
  'areaCode',
  'areaName',
  'villageCode',
  'marginalCoveredPopulation',
  'marginalCoveredVillages',
  'cumulativeCoveredPopulation',
  'cumulativeCoveredVillages',
  'cumulativeMeanMinutes',
  'longitude',
  'latitude',
] as const;

const present = <T>(x: T | Error | null | undefined): T | null => (x && !(x instanceof Error) ? x : null);

/**
 * The exports' content, from the services GraphQL answers with (CoverageService's coverage, gaps order and
 * comparison; SiteSuggestionService's suggestions): the same villages, minutes, points and provenance as
 * coverageGaps, compareCoverage and suggestSites, every row rather than a page.
 */
export class ExportService {
  constructor(
    private readonly coverage: CoverageService,
    private readonly suggestions: SiteSuggestionService,
  ) {}

  /** Every uncovered village of the area, most people first (coverageGaps's order), with its nearest counted point. */
  async gaps(q: CoverageQuestion, loaders: Loaders, deadline: Deadline): Promise<ExportTable> {
    const view = await this.coverage.coverageOf(
      { areaCode: q.areaCode, itemCode: q.itemCode, mode: q.mode, minutes: q.minutes, travelModel: q.travelModel, scenarioId: q.scenarioId, method: CoverageMethod.INDEX, handling: q.handling ? [...q.handling] : undefined },
      loaders,
      deadline,
    );
    const order = this.coverage.uncoveredOrder(view);
    const gaps = order.map((k) => villageCoverage(view.computation, k, view.travel, view.scenario?.shown));
    const { villages, townships, pointOf } = await this.names(gaps, view, loaders);
    const rows = gaps.map((gap, i): ExportRow => {
      const village = villages.get(gap.villageCode);
      const point = pointOf(gap.nearestPointId);
      return this.villageRow(village, gap.villageCode, q.crs, townships, {
        rank: i + 1,
        nearestServicePointId: gap.nearestPointId,
        nearestServicePointName: point?.name ?? null,
        travelMinutes: gap.travelMinutes,
        distanceMeters: gap.distanceMeters,
        offRoadNetwork: gap.offRoadNetwork,
      });
    });
    return {
      kind: 'gaps',
      columns: GAP_COLUMNS,
      rows,
      summary: {
        area: areaSummary(view.area),
        itemCode: view.itemCode,
        villageCount: view.villageCount,
        population: view.population,
        uncoveredVillageCount: order.length,
        uncoveredPopulation: view.population - view.coveredPopulation,
      },
      provenance: view.provenance,
      areaCode: view.area.code,
      itemCode: view.itemCode,
      crs: q.crs,
    };
  }

  /**
   * compareCoverage's answer with every village gained and lost (gained first, each most people first), each with
   * its minutes and nearest point before (the live data) and after (the scenario).
   */
  async comparison(q: CoverageQuestion & { scenarioId: string }, loaders: Loaders): Promise<ExportTable> {
    const comparison = await this.coverage.compare(
      { areaCode: q.areaCode, itemCode: q.itemCode, mode: q.mode, minutes: q.minutes, travelModel: q.travelModel, scenarioId: q.scenarioId, first: 0, handling: q.handling ? [...q.handling] : undefined },
      loaders,
    );
    // compare() answers with the two coverages it computed (CoverageService.viewOf), whose villages are listed here in full.
    const before = comparison.before as CoverageView;
    const after = comparison.after as CoverageView;
    const b = before.computation;
    const a = after.computation;
    const mostPeople = (x: number, y: number) => a.population[y]! - a.population[x]! || (a.codes[x]! < a.codes[y]! ? -1 : 1);
    const gained: number[] = [];
    const lost: number[] = [];
    for (let k = 0; k < a.codes.length; k++) {
      if (a.covered[k] && !b.covered[k]) gained.push(k);
      else if (b.covered[k] && !a.covered[k]) lost.push(k);
    }
    const changes = [...gained.sort(mostPeople).map((k) => ({ k, change: 'GAINED' })), ...lost.sort(mostPeople).map((k) => ({ k, change: 'LOST' }))];
    const was = changes.map(({ k }) => villageCoverage(b, k, before.travel));
    const is = changes.map(({ k }) => villageCoverage(a, k, after.travel, after.scenario?.shown));
    const { villages, townships, pointOf } = await this.names([...was, ...is], after, loaders);
    const rows = changes.map(({ change }, i): ExportRow => {
      const w = was[i]!;
      const n = is[i]!;
      return this.villageRow(villages.get(n.villageCode), n.villageCode, q.crs, townships, {
        change,
        travelMinutesBefore: w.travelMinutes,
        travelMinutesAfter: n.travelMinutes,
        nearestServicePointIdBefore: w.nearestPointId,
        nearestServicePointNameBefore: pointOf(w.nearestPointId, false)?.name ?? null,
        nearestServicePointIdAfter: n.nearestPointId,
        nearestServicePointNameAfter: pointOf(n.nearestPointId)?.name ?? null,
        distanceMetersBefore: w.distanceMeters,
        distanceMetersAfter: n.distanceMeters,
      });
    });
    return {
      kind: 'comparison',
      columns: COMPARISON_COLUMNS,
      rows,
      summary: {
        area: areaSummary(comparison.area),
        itemCode: after.itemCode,
        coveredPopulationBefore: before.coveredPopulation,
        coveredPopulationAfter: after.coveredPopulation,
        populationGained: comparison.populationGained,
        villagesGainedCount: comparison.villagesGainedCount,
        villagesLostCount: comparison.villagesLostCount,
        byTownship: comparison.byTownship.map((t) => ({
          code: t.township.code,
          name: t.township.name,
          population: t.population,
          coveredPopulationBefore: t.coveredPopulationBefore,
          coveredPopulationAfter: t.coveredPopulationAfter,
          populationGained: t.populationGained,
          villagesGained: t.villagesGained,
          villagesLost: t.villagesLost,
        })),
      },
      provenance: comparison.provenance,
      areaCode: comparison.area.code,
      itemCode: after.itemCode,
      crs: q.crs,
    };
  }

  /** suggestSites's answer: the sites in the order to open them, with what each adds and what they reach together. */
  async suggest(q: SuggestionQuestion, loaders: Loaders, deadline: Deadline): Promise<ExportTable> {
    const args: SuggestSitesArgs = {
      areaCode: q.areaCode,
      itemCode: q.itemCode,
      mode: q.mode,
      minutes: q.minutes,
      travelModel: q.travelModel,
      scenarioId: q.scenarioId,
      objective: q.objective,
      count: q.count,
      targetCoveredShare: q.targetCoveredShare,
      candidates: { set: q.candidates, gridSpacingMeters: q.gridSpacingMeters },
      method: SiteMethod.AUTO,
    };
    const s = await this.suggestions.suggest(args, loaders, deadline);
    const rows = s.sites.map((site): ExportRow => {
      const position = fromWgs84([site.longitude, site.latitude], q.crs);
      return {
        id: site.key,
        position,
        cells: {
          rank: site.rank,
          key: site.key,
          name: site.name,
          kind: site.kind,
          areaCode: site.area.code,
          areaName: site.area.name,
          villageCode: site.villageCode,
          marginalCoveredPopulation: site.marginalCoveredPopulation,
          marginalCoveredVillages: site.marginalCoveredVillages,
          cumulativeCoveredPopulation: site.cumulativeCoveredPopulation,
          cumulativeCoveredVillages: site.cumulativeCoveredVillages,
          cumulativeMeanMinutes: site.cumulativeMeanMinutes,
          longitude: position[0],
          latitude: position[1],
        },
      };
    });
    return {
      kind: 'suggestions',
      columns: SUGGESTION_COLUMNS,
      rows,
      summary: {
        area: areaSummary(s.area),
        itemCode: s.item.code,
        objective: s.objective,
        population: s.population,
        coveredPopulationBefore: s.coveredPopulationBefore,
        coveredPopulationAfter: s.coveredPopulationAfter,
        coverablePopulation: s.coverablePopulation,
        meanMinutes: s.meanMinutes,
        status: s.status,
        bound: s.bound,
        gapPercent: s.gapPercent,
        solverMethod: s.method,
        candidateCount: s.candidateCount,
      },
      provenance: s.provenance,
      areaCode: s.area.code,
      itemCode: s.item.code,
      crs: q.crs,
    };
  }

  /** A village's row: its code, name, township, population and place, with `cells` (its figures). */
  private villageRow(village: Village | undefined, code: string, crs: Crs, townships: ReadonlyMap<string, Area>, cells: Record<string, CsvValue>): ExportRow {
    const position = village ? fromWgs84(village.location.coordinates, crs) : [Number.NaN, Number.NaN];
    const townshipCode = village?.townshipCode ?? code.slice(0, 9);
    return {
      id: code,
      position,
      cells: {
        ...cells,
        code,
        name: village?.name ?? null,
        townshipCode,
        townshipName: townships.get(townshipCode)?.name ?? null,
        population: village?.population ?? null,
        longitude: position[0],
        latitude: position[1],
      },
    };
  }

  /** The villages, their townships and the nearest points of coverage rows (a scenario's points as it shows them). */
  private async names(rows: readonly VillageCoverage[], view: CoverageView, loaders: Loaders) {
    const shown = view.scenario?.shown;
    const codes = [...new Set(rows.map((r) => r.villageCode))];
    const pointIds = [...new Set(rows.map((r) => r.nearestPointId).filter((id): id is string => id !== null))];
    const [villageList, pointList] = await Promise.all([loaders.villageByCode.loadMany(codes), loaders.servicePointById.loadMany(pointIds)]);
    const villages = new Map<string, Village>();
    villageList.forEach((v, i) => {
      const village = present(v);
      if (village) villages.set(codes[i]!, village);
    });
    const points = new Map<string, ServicePoint>();
    pointList.forEach((p, i) => {
      const point = present(p);
      if (point) points.set(pointIds[i]!, point);
    });
    const townshipCodes = [...new Set([...villages.values()].map((v) => v.townshipCode))];
    const townships = new Map<string, Area>();
    (await loaders.areaByCode.loadMany(townshipCodes)).forEach((t, i) => {
      const township = present(t);
      if (township) townships.set(townshipCodes[i]!, township);
    });
    /** A point as the answer names it: as the scenario shows it (`scenario` false: as the live data has it). */
    const pointOf = (id: string | null, scenario = true): ServicePoint | null => (id === null ? null : ((scenario ? shown?.get(id) : undefined) ?? points.get(id) ?? null));
    return { villages, townships, pointOf };
  }
}

function areaSummary(area: Area): { code: string; name: string; level: string } {
  return { code: area.code, name: area.name, level: area.level };
}
