/**
 * The three classic facility-location questions a planner asks of a cost table:
 * - MAX_COVERED_POPULATION: maximal covering location: exactly `count` new sites, as much weight covered as possible;
 * - FEWEST_SITES_FOR_FULL_COVERAGE: set covering: as few new sites as cover every demand that can be covered
 *   (or, with `targetCoveredShare`, that share of the coverable weight);
 * - MIN_MEAN_TRAVEL_MINUTES: p-median: exactly `count` new sites, the lowest weighted mean cost to the nearest open site.
 */
export type SitingObjective = 'MAX_COVERED_POPULATION' | 'FEWEST_SITES_FOR_FULL_COVERAGE' | 'MIN_MEAN_TRAVEL_MINUTES';

export const SITING_OBJECTIVES: readonly SitingObjective[] = ['MAX_COVERED_POPULATION', 'FEWEST_SITES_FOR_FULL_COVERAGE', 'MIN_MEAN_TRAVEL_MINUTES'];

/** AUTO: the exact solver when the model is small enough, within the time limit, else greedy; EXACT: always try the exact solver. */
export type SitingMethod = 'AUTO' | 'EXACT' | 'GREEDY';

export const SITING_METHODS: readonly SitingMethod[] = ['AUTO', 'EXACT', 'GREEDY'];

export interface SitingOptions {
  readonly objective: SitingObjective;
  /** How many new sites (MAX_COVERED_POPULATION and MIN_MEAN_TRAVEL_MINUTES: required; FEWEST_SITES: not allowed). */
  readonly count?: number;
  /** FEWEST_SITES_FOR_FULL_COVERAGE only, in (0, 1]: the share of the coverable weight to reach instead of every demand. */
  readonly targetCoveredShare?: number;
  readonly method: SitingMethod;
  /** Wall-clock time for the whole call; the exact solver gets what greedy leaves of it. */
  readonly timeLimitMs: number;
  /** Aborting stops the exact solver's worker thread; the call then rejects with DEADLINE_EXCEEDED. */
  readonly signal?: AbortSignal;
  /** Improve greedy answers by interchange (default true); see the solvers for what it does per objective. */
  readonly swaps?: boolean;
}

/** OPTIMAL only when `bound` proves it (bound equals the objective value); FEASIBLE otherwise. */
export type SitingStatus = 'OPTIMAL' | 'FEASIBLE';

/** Who found the sites returned (the bound may combine what several methods proved). */
export type SitingSolver = 'EXACT_MIP' | 'GREEDY' | 'GREEDY_SWAP';

/** One chosen site, in the order a planner would open them: each time the one that adds the most. */
export interface SitingSite {
  /** Candidate index. */
  readonly candidate: number;
  /** Weight newly covered (cost <= budget) by this site, given the sites before it and the existing points. */
  readonly marginalWeight: number;
  /** Demands newly covered by this site (zero-weight ones included). */
  readonly marginalDemands: number;
  /** Weight covered once this site is open: the existing points' and this and every earlier site's. */
  readonly cumulativeWeight: number;
  /** Demands covered once this site is open (existing points included). */
  readonly cumulativeDemands: number;
  /** MIN_MEAN_TRAVEL_MINUTES: the weighted mean cost once this site is open. */
  readonly cumulativeMeanCost?: number;
}

/** What the exact solver did, when it ran. */
export interface SitingMipReport {
  /** HiGHS's model status (`Optimal`, `Time limit reached`, …), or `Stopped: …` when the worker was stopped by us. */
  readonly modelStatus: string;
  /** HiGHS's incumbent, in the objective's units (coveredWeight, site count, mean cost); null: none. */
  readonly value: number | null;
  /** HiGHS's proven bound (mip_dual_bound), in the objective's units; null: none. */
  readonly bound: number | null;
  /** HiGHS's mip_gap (relative); null: none. */
  readonly mipGap: number | null;
  /** Columns (candidate variables after merging identical ones), rows and nonzeros of the model. */
  readonly columns: number;
  readonly rows: number;
  readonly nonzeros: number;
  readonly elapsedMs: number;
}

export interface SitingResult {
  readonly objective: SitingObjective;
  readonly sites: readonly SitingSite[];
  /**
   * The value `bound` bounds: MAX_COVERED_POPULATION coveredWeight; FEWEST_SITES_FOR_FULL_COVERAGE the number of
   * sites; MIN_MEAN_TRAVEL_MINUTES meanCost.
   */
  readonly objectiveValue: number;
  /** Weight of every demand within budget of an open site (existing points included). */
  readonly coveredWeight: number;
  /** coveredWeight over the total weight of all demands (1 when the total is 0). */
  readonly coveredShare: number;
  /** Weight of the demands that can be covered at all (already covered, or with a pair within budget). */
  readonly coverableWeight: number;
  /** Weight already covered by the existing points. */
  readonly alreadyCoveredWeight: number;
  /** Demands not within budget of any open site. */
  readonly uncoveredDemands: number;
  readonly demandCount: number;
  /** MIN_MEAN_TRAVEL_MINUTES: weighted mean cost to the nearest open site (penaltyCost for a demand with none). */
  readonly meanCost?: number;
  /** MIN_MEAN_TRAVEL_MINUTES: the cost counted for a demand with no pair to an open site and no existing point. */
  readonly penaltyCost?: number;
  /** MIN_MEAN_TRAVEL_MINUTES: how many demands were counted at penaltyCost. */
  readonly penalisedDemands?: number;
  readonly status: SitingStatus;
  /** Best proven bound on the optimum objective value: an upper bound when maximising, a lower one when minimising. */
  readonly bound: number;
  /** 100 × |objectiveValue − bound| / max(|objectiveValue|, |bound|); 0 when both are 0. */
  readonly gapPercent: number;
  readonly method: SitingSolver;
  readonly elapsedMs: number;
  readonly mip?: SitingMipReport;
}
