import { parseExportFile, parseExportQuery } from '../../../src/export/export-query.parse';
import { SiteCandidateSet, SiteObjective } from '../../../src/planning/site-suggestion.args';

const SCENARIO = '3f2a7c1e-9b4d-4e8a-a1b2-c3d4e5f60718';

function badInput(run: () => unknown): { code: unknown; argument: unknown; message: string } {
  try {
    run();
  } catch (err) {
    const e = err as { extensions: { code: unknown; argument: unknown }; message: string };
    return { code: e.extensions.code, argument: e.extensions.argument, message: e.message };
  }
  throw new Error('expected an error');
}

describe('parseExportFile', () => {
  it.each([
    ['gaps.csv', 'gaps', 'csv'],
    ['gaps.geojson', 'gaps', 'geojson'],
    ['comparison.csv', 'comparison', 'csv'],
    ['suggestions.geojson', 'suggestions', 'geojson'],
  ])('%s → %s, %s', (file, kind, format) => {
    expect(parseExportFile(file)).toEqual({ kind, format });
  });

  it.each(['gaps.xlsx', 'gaps', 'villages.csv', 'GAPS.CSV', 'gaps.csv.gz', ''])('%j is NOT_FOUND, naming the exports there are', (file) => {
    const e = badInput(() => parseExportFile(file));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('/export/gaps.csv, /export/gaps.geojson, /export/comparison.csv');
  });
});

describe('parseExportQuery', () => {
  it('takes the ways of handling for gaps and comparisons, as a comma-separated list; suggestions take none', () => {
    expect(parseExportQuery('gaps', 'csv', { area: '520121', item: 'CHRONIC_DISEASE_CERT', handling: 'IN_PERSON,ASSISTED,ASSISTED' }).question.handling).toEqual(['IN_PERSON', 'ASSISTED']);
    expect(badInput(() => parseExportQuery('gaps', 'csv', { area: '520121', handling: 'IN_PERSON,BY_POST' }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'handling' });
    expect(badInput(() => parseExportQuery('gaps', 'csv', { area: '520121', handling: ['ONLINE', 'ASSISTED'] }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'handling' });
    expect(badInput(() => parseExportQuery('suggestions', 'csv', { area: '520121', item: 'CHRONIC_DISEASE_CERT', handling: 'ONLINE' }))).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'handling' });
  });

  it('takes the coverage question as GraphQL names it, with defaults left to the services', () => {
    expect(parseExportQuery('gaps', 'csv', { area: '520121' })).toEqual({
      kind: 'gaps',
      format: 'csv',
      question: { areaCode: '520121', itemCode: undefined, mode: undefined, minutes: undefined, travelModel: undefined, scenarioId: undefined, crs: 'WGS84', handling: undefined },
    });
    expect(
      parseExportQuery('gaps', 'geojson', { area: '520121001', item: 'CHRONIC_DISEASE_CERT', mode: 'CAR', minutes: '12.5', travelModel: 'ROAD', scenario: SCENARIO.toUpperCase(), crs: 'GCJ02' }).question,
    ).toEqual({ areaCode: '520121001', itemCode: 'CHRONIC_DISEASE_CERT', mode: 'CAR', minutes: 12.5, travelModel: 'ROAD', scenarioId: SCENARIO, crs: 'GCJ02' });
  });

  it.each(['52', '5201', '520121', '520121001', 'TAIBAI_LAKE', 'KY-2'])('area %s: an official code or a planning area\'s', (area) => {
    expect(parseExportQuery('gaps', 'csv', { area }).question.areaCode).toBe(area);
  });

  it.each([
    [{ area: '52012' }, 'area', /area must be an official area code of 2, 4, 6 or 9 digits, or a planning area's code/],
    [{ area: '520121101001' }, 'area', /area must be/], // a village is not an area of coverage
    [{ area: 'taibai' }, 'area', /area must be/],
    [{}, 'area', /area is required/],
    [{ area: '' }, 'area', /area is empty/],
    [{ area: ['520121', '520122'] }, 'area', /given more than once/],
    [{ area: '520121', item: 'chronic' }, 'item', /item must be an item code/],
    [{ area: '520121', mode: 'ebike' }, 'mode', /mode must be one of WALK, BICYCLE, EBIKE, CAR; got "ebike"/],
    [{ area: '520121', minutes: '0' }, 'minutes', /minutes must be a number from 1 to 120/],
    [{ area: '520121', minutes: '121' }, 'minutes', /from 1 to 120/],
    [{ area: '520121', minutes: '1e2' }, 'minutes', /minutes must be a number/],
    [{ area: '520121', minutes: '-5' }, 'minutes', /minutes must be a number/],
    [{ area: '520121', travelModel: 'NETWORK' }, 'travelModel', /travelModel must be one of STRAIGHT_LINE, ROAD/],
    [{ area: '520121', scenario: '42' }, 'scenario', /scenario must be the id of a saved scenario/],
    [{ area: '520121', crs: 'wgs84' }, 'crs', /crs must be one of WGS84, GCJ02, BD09/],
    [{ area: '520121', first: '10' }, 'first', /Unknown query parameter "first" for \/export\/gaps\.csv; it takes area, item, mode, minutes, travelModel, scenario, crs, handling\./],
    [{ area: '520121', count: '3' }, 'count', /Unknown query parameter "count"/],
    [{ area: '520121', a: '1', b: '2' }, 'a', /Unknown query parameters "a", "b"/],
  ])('%j is BAD_USER_INPUT on %s', (query, argument, message) => {
    const e = badInput(() => parseExportQuery('gaps', 'csv', query as Record<string, unknown>));
    expect(e).toEqual({ code: 'BAD_USER_INPUT', argument, message: expect.stringMatching(message) });
  });

  it('a comparison needs a saved scenario', () => {
    expect(parseExportQuery('comparison', 'csv', { area: '520121', scenario: SCENARIO }).question.scenarioId).toBe(SCENARIO);
    expect(badInput(() => parseExportQuery('comparison', 'csv', { area: '520121' }))).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', argument: 'scenario' }));
  });

  it('suggestions: an item, and count, objective, targetCoveredShare, candidates, gridSpacingMeters as suggestSites takes them', () => {
    expect(parseExportQuery('suggestions', 'csv', { area: '520121', item: 'CHRONIC_DISEASE_CERT' }).question).toEqual(
      expect.objectContaining({ objective: SiteObjective.MAX_COVERED_POPULATION, count: undefined, targetCoveredShare: undefined, candidates: SiteCandidateSet.VILLAGES, gridSpacingMeters: undefined }),
    );
    expect(
      parseExportQuery('suggestions', 'geojson', { area: '520121', item: 'CHRONIC_DISEASE_CERT', objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', targetCoveredShare: '0.95', candidates: 'GRID', gridSpacingMeters: '3000' }).question,
    ).toEqual(expect.objectContaining({ objective: 'FEWEST_SITES_FOR_FULL_COVERAGE', targetCoveredShare: 0.95, candidates: 'GRID', gridSpacingMeters: 3000 }));
    const bad = (query: Record<string, string>) => badInput(() => parseExportQuery('suggestions', 'csv', { area: '520121', item: 'CHRONIC_DISEASE_CERT', ...query }));
    expect(badInput(() => parseExportQuery('suggestions', 'csv', { area: '520121' }))).toEqual(expect.objectContaining({ argument: 'item' }));
    expect(bad({ count: '0' })).toEqual(expect.objectContaining({ argument: 'count', message: expect.stringContaining('whole number from 1 to 50') }));
    expect(bad({ count: '2.5' }).argument).toBe('count');
    expect(bad({ targetCoveredShare: '0' }).argument).toBe('targetCoveredShare');
    expect(bad({ targetCoveredShare: '1.5' }).argument).toBe('targetCoveredShare');
    expect(bad({ candidates: 'LOCATIONS' }).argument).toBe('candidates');
    expect(bad({ gridSpacingMeters: '2000' })).toEqual(expect.objectContaining({ argument: 'gridSpacingMeters', message: 'gridSpacingMeters is for candidates=GRID.' }));
    expect(bad({ objective: 'CHEAPEST' }).argument).toBe('objective');
  });
});
