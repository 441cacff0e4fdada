// Synthetic placement: township seats and villages inside a county polygon, populations, offsets.
import * as turf from '@turf/turf';
import { assert } from './log.mjs';
import { gaussian, rngFor, roundPos } from './prng.mjs';
import { makeContains, makeFrame } from './geometry.mjs';
import { isCommunity, isSpecialUnit, isUrbanTownship } from './domain.mjs';

// `fixedSeats` (optional Map township code -> [lon, lat]): seats given for every township (a functional zone's own
// townships, seeds/data/taibai-lake.json) instead of placed; the villages are then placed around them as always.
export function placeCounty(county, townships, villagesByTownship, { fixedSeats } = {}) {
  const geom = county.boundary;
  const contains = makeContains(geom);
  const [minX, minY, maxX, maxY] = turf.bbox(geom);
  const frame = makeFrame((minY + maxY) / 2);
  const seats = new Map();

  // County seat = seat of the first township (code order)
  assert(contains(county.seat), `county seat of ${county.name} outside its polygon`);
  seats.set(townships[0].code, county.seat);

  // Grid of interior points (~5000 cells over the bbox)
  const wKm = frame.dist([minX, minY], [maxX, minY]);
  const hKm = frame.dist([minX, minY], [minX, maxY]);
  const step = Math.sqrt((wKm * hKm) / 5000);
  const grid = [];
  for (let y = minY + (step / 2) / 110.574; y < maxY; y += step / 110.574) {
    for (let x = minX; x < maxX; ) {
      const p = [x, y];
      if (contains(p)) grid.push(p);
      x = frame.offset(p, step, 0)[0];
    }
  }
  const gridKm = grid.map(frame.toKm);
  const cellAreaKm2 = step * step;

  if (fixedSeats) {
    for (const t of townships) {
      const p = fixedSeats.get(t.code);
      assert(p && contains(p), `seat of ${t.code} missing or outside ${county.name}`);
      seats.set(t.code, p);
    }
  }

  // Urban sub-districts / development zones: ring around the county seat, 1.5-4.5 km out
  const urban = fixedSeats ? [] : townships.slice(1).filter(isUrbanTownship);
  urban.forEach((t, i) => {
    const rng = rngFor(`township-seat:${t.code}`);
    const base = rngFor(`urban-ring:${county.code}`)() * 2 * Math.PI;
    let placed = null;
    for (let k = 0; k < 400 && !placed; k++) {
      const r = 1.5 + rng() * 3.0 * (1 + k / 100);
      const a = base + (i * 2 * Math.PI) / urban.length + (rng() - 0.5) * (0.8 + k / 50);
      const p = frame.offset(county.seat, r * Math.cos(a), r * Math.sin(a));
      if (!contains(p)) continue;
      if ([...seats.values()].some((s) => frame.dist(s, p) < 1.0)) continue;
      placed = p;
    }
    if (!placed) placed = grid[Math.floor(rngFor(`fallback:${t.code}`)() * grid.length)];
    seats.set(t.code, placed);
  });

  // Other townships: farthest-point initialisation + Lloyd relaxation on the interior grid,
  // keeping the county seat and urban seats fixed -> well spread, each seat central in its area.
  const free = fixedSeats ? [] : townships.slice(1).filter((t) => !isUrbanTownship(t));
  const fixedKm = [...seats.values()].map(frame.toKm);
  const centers = [];
  {
    const minD = gridKm.map((g) => Math.min(...fixedKm.map((f) => Math.hypot(g[0] - f[0], g[1] - f[1]))));
    for (let c = 0; c < free.length; c++) {
      let best = 0;
      for (let i = 1; i < gridKm.length; i++) if (minD[i] > minD[best]) best = i;
      centers.push([...gridKm[best]]);
      for (let i = 0; i < gridKm.length; i++) {
        const d = Math.hypot(gridKm[i][0] - gridKm[best][0], gridKm[i][1] - gridKm[best][1]);
        if (d < minD[i]) minD[i] = d;
      }
    }
  }
  const all = () => [...fixedKm, ...centers];
  let assignment = new Int32Array(gridKm.length);
  for (let iter = 0; iter < 40; iter++) {
    const cs = all();
    const sx = new Float64Array(cs.length);
    const sy = new Float64Array(cs.length);
    const n = new Float64Array(cs.length);
    for (let i = 0; i < gridKm.length; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < cs.length; c++) {
        const d = (gridKm[i][0] - cs[c][0]) ** 2 + (gridKm[i][1] - cs[c][1]) ** 2;
        if (d < bd) { bd = d; best = c; }
      }
      assignment[i] = best;
      sx[best] += gridKm[i][0];
      sy[best] += gridKm[i][1];
      n[best] += 1;
    }
    for (let c = 0; c < centers.length; c++) {
      const k = fixedKm.length + c;
      if (n[k] > 0) centers[c] = [sx[k] / n[k], sy[k] / n[k]];
    }
  }
  // snap free centres to the nearest interior grid point of their own cell (guarantees inside),
  // with a small deterministic jitter so the layout does not look like a lattice
  const freeSeats = centers.map((c, ci) => {
    const k = fixedKm.length + ci;
    let best = -1;
    let bd = Infinity;
    for (let i = 0; i < gridKm.length; i++) {
      if (assignment[i] !== k) continue;
      const d = (gridKm[i][0] - c[0]) ** 2 + (gridKm[i][1] - c[1]) ** 2;
      if (d < bd) { bd = d; best = i; }
    }
    if (best < 0) best = 0;
    return grid[best];
  });
  // assign to townships: sort centres by bearing around the county seat, townships by code
  const seatKm = frame.toKm(county.seat);
  const order = freeSeats
    .map((p, i) => ({ p, i, a: Math.atan2(frame.toKm(p)[1] - seatKm[1], frame.toKm(p)[0] - seatKm[0]) }))
    .sort((u, v) => u.a - v.a || u.i - v.i);
  free.forEach((t, i) => {
    const rng = rngFor(`township-jitter:${t.code}`);
    let p = order[i].p;
    for (let k = 0; k < 20; k++) {
      const q = frame.offset(order[i].p, (rng() - 0.5) * step, (rng() - 0.5) * step);
      if (contains(q)) { p = q; break; }
    }
    seats.set(t.code, p);
  });
  for (const t of townships) seats.set(t.code, roundPos(seats.get(t.code)));

  // Catchment area of every township (grid cells nearest to its seat) -> village spread
  const seatList = townships.map((t) => ({ code: t.code, p: seats.get(t.code), km: frame.toKm(seats.get(t.code)) }));
  const cells = new Map(townships.map((t) => [t.code, []]));
  for (let i = 0; i < gridKm.length; i++) {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < seatList.length; c++) {
      const d = (gridKm[i][0] - seatList[c].km[0]) ** 2 + (gridKm[i][1] - seatList[c].km[1]) ** 2;
      if (d < bd) { bd = d; best = c; }
    }
    cells.get(seatList[best].code).push(i);
  }

  // Villages
  const villages = [];
  let fallbacks = 0;
  for (const t of townships) {
    const seat = seats.get(t.code);
    const others = seatList.filter((s) => s.code !== t.code);
    const cellIdx = cells.get(t.code);
    const rEq = Math.sqrt((Math.max(cellIdx.length, 1) * cellAreaKm2) / Math.PI);
    const sigmaRural = Math.min(4.0, Math.max(2.5, 0.5 * rEq));
    const ok = (p, factor) => {
      if (!contains(p)) return false;
      const d = frame.dist(seat, p);
      return others.every((s) => d < factor * frame.dist(s.p, p));
    };
    for (const v of villagesByTownship.get(t.code) ?? []) {
      const rng = rngFor(`village:${v.code}`);
      const community = isCommunity(v.name);
      const urbanT = isUrbanTownship(t);
      const sigma = community ? (urbanT ? 1.0 : 0.8) : urbanT ? 2.0 : sigmaRural;
      const remote = !community && !urbanT && rng() < 0.1;
      let p = null;
      for (let k = 0; k < 300 && !p; k++) {
        const relax = k < 120 ? 1 : k < 240 ? 0.6 : 0.3; // shrink the spread if nothing fits
        let dx;
        let dy;
        if (remote && k < 120) {
          const r = 7 + rng() * 5; // 7-12 km: the remote ones
          const a = rng() * 2 * Math.PI;
          dx = r * Math.cos(a);
          dy = r * Math.sin(a);
        } else {
          dx = gaussian(rng) * sigma * relax;
          dy = gaussian(rng) * sigma * relax;
          if (Math.hypot(dx, dy) > 12) continue;
        }
        const q = frame.offset(seat, dx, dy);
        if (ok(q, k < 240 ? 1.6 : 2.5)) p = q;
      }
      if (!p) {
        // graceful fallback: a grid point of the township's own catchment
        fallbacks++;
        const pool = cellIdx.length ? cellIdx : [0];
        p = grid[pool[Math.floor(rng() * pool.length)]];
      }
      villages.push({ v, location: roundPos(p) });
    }
  }
  return { seats, villages, fallbacks, contains, frame, gridSize: grid.length };
}

// Log-normal (right-skewed) populations, clamped: villages 400-5,000, communities 2,000-12,000.
// Medians per region keep the totals near the real order of magnitude (Kaiyang ~0.37 million
// residents, Sanming ~2.5 million, 2020 census).
export function populationFor(v, medians) {
  const rng = rngFor(`population:${v.code}`);
  if (isSpecialUnit(v)) return Math.round(400 + rng() * 800);
  if (isCommunity(v.name)) {
    const x = Math.exp(Math.log(medians.community) + 0.45 * gaussian(rng));
    return Math.round(Math.min(12000, Math.max(2000, x)));
  }
  const x = Math.exp(Math.log(medians.village) + 0.5 * gaussian(rng));
  return Math.round(Math.min(5000, Math.max(400, x)));
}

export function offsetInside(frame, contains, p, key, minM, maxM) {
  const rng = rngFor(key);
  for (let k = 0; k < 200; k++) {
    const r = (minM + rng() * (maxM - minM)) / 1000;
    const a = rng() * 2 * Math.PI;
    const q = roundPos(frame.offset(p, r * Math.cos(a), r * Math.sin(a)));
    if (contains(q)) return q;
  }
  return p;
}
