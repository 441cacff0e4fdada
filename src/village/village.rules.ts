import { checkCoordinates, checkPattern, checkText, compact } from '../write/record-checks';
import { VILLAGE_CODE_PATTERN } from '../common/codes';
import type { FieldProblem } from '../write/write-report.type';
import type { VillageInput } from './village.repository';

/** The largest population a village (村/社区) record may carry; big urban communities stay far below. */
export const MAX_VILLAGE_POPULATION = 500_000;

/** Everything about a village record that needs no database. Township and county come from the code. */
export function villageProblems(v: VillageInput): FieldProblem[] {
  const problems = compact([checkPattern('code', v.code, VILLAGE_CODE_PATTERN, '520121001001 (12 digits)'), checkText('name', v.name, 1, 100)]);
  problems.push(...checkCoordinates(v.longitude, v.latitude));
  if (typeof v.population !== 'number' || !Number.isInteger(v.population) || v.population < 0 || v.population > MAX_VILLAGE_POPULATION) {
    problems.push({ field: 'population', reason: `population ${String(v.population)} must be a whole number from 0 to ${MAX_VILLAGE_POPULATION.toLocaleString('en')}.` });
  }
  return problems;
}
