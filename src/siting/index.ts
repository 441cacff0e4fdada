/** Site suggestions: where the next service points should go (pure; the exact solver runs in a worker thread). */
export { sitingProblemFromPairs, checkSitingProblem, type SitingProblem, type SitingPair, type SitingPairsInput } from './siting-problem';
export { solveSiting, AUTO_EXACT_MAX_NONZEROS } from './solve-siting';
export { SitingPool } from './siting.pool';
export { evaluateSites, coverageTarget, reachesTarget, type SiteEvaluation, type CoverageTarget } from './site-evaluation';
export { sitingFacts, penaltyCostOf, type SitingFacts } from './siting-facts';
export {
  SITING_OBJECTIVES,
  SITING_METHODS,
  type SitingObjective,
  type SitingMethod,
  type SitingOptions,
  type SitingResult,
  type SitingSite,
  type SitingStatus,
  type SitingSolver,
  type SitingMipReport,
} from './siting.type';
