import type { MultiPolygon, Polygon, Position } from 'geojson';
import * as turf from '@turf/turf';
import CheapRuler from 'cheap-ruler';
import type { ReachedRoad } from './reached-road';
import { validateGeometry } from './validate-geometry';

export interface NetworkIsochroneOptions {
  /** Walking speed off the road (m/min, ≥ 0): the minutes left at a point of a road turn into this many metres each. */
  walkMetersPerMinute: number;
  /** The longest walk off a road (m, ≥ 0; Infinity for no cap). */
  maxOffRoadMeters: number;
  /** The result is intersected with this area (exactly, on its edges); null for none. */
  clip: Polygon | MultiPolygon | null;
  /** Grid spacing (m, ≥ 10, default 50); made coarser when the grid would need more than `maxCells` cells. */
  cellMeters?: number;
  /** The most grid cells (≥ 10,000, default 4,000,000: 16 MB of values; ~100 × 100 km at 50 m). */
  maxCells?: number;
}

/** The grid a `networkIsochrone` call would use, and the error bound that follows from it. */
export interface NetworkIsochroneResolution {
  /** The grid spacing used (m): `cellMeters`, or coarser when the cap on cells required it. */
  cellMeters: number;
  /** The error bound (m): the longest cell diagonal of the grid (about √2 × cellMeters). */
  errorMeters: number;
  columns: number;
  rows: number;
}

const DEFAULT_CELL_METERS = 50;
const DEFAULT_MAX_CELLS = 4_000_000;
const MIN_CELL_METERS = 10;
const MIN_MAX_CELLS = 10_000;
/** Contour crossings stay this fraction of a cell away from grid nodes (see `contour`). */
const NODE_CLEARANCE = 0.05;
const MAX_LATITUDE = 85;

/**
 * The area reachable from a network isochrone: every place within `min(remaining(p) × walkMetersPerMinute,
 * maxOffRoadMeters)` metres of some point p of a reached road (one leaves the road at p and walks the rest, at most
 * maxOffRoadMeters), intersected with `clip` when given. An RFC 7946 MultiPolygon: exterior rings counter-clockwise,
 * holes clockwise, closed, coordinates rounded to 6 decimals (≈ 0.1 m), without self-intersections; `coordinates: []`
 * when empty (no roads, or nothing left to walk). Places exactly at the limit (a road with 0 minutes left) add no area.
 *
 * Method (raster, as AccessMod and R5 draw isochrones): on a grid of lon/lat nodes spaced `cellMeters` apart (coarser
 * when the extent needs more than `maxCells` nodes), each node holds the margin
 *   F(x) = max over road points p of ( min(remaining(p) · walk, maxOffRoad) − distance(x, p) )
 * in metres: x is reachable iff F(x) > 0 (up to the boundary itself). F is computed at the nodes exactly, not from
 * samples: along a straight road segment the radius is linear in the arc length s, capped at maxOffRoad, and minus the
 * distance it is concave in s, so its maximum is at the free stationary point, the foot of the perpendicular, or the
 * point where the cap starts, in closed form. Distances are planar with cheap-ruler's WGS-84 scale at the segment's
 * latitude (≈ 1e-4 relative error at 2 km). Then the level F = 0 is contoured by marching squares (linear
 * interpolation on cell edges, ambiguous cells resolved by the cell's mean) and traced into rings that have the
 * inside on their left, so exteriors come out counter-clockwise and holes clockwise; holes go to the smallest
 * exterior around them. With `clip`, the result is intersected with it exactly, by polyclip-ts (turf.intersect).
 *
 * Error bound: F is 1-Lipschitz, so a point whose cell has all four nodes on one side of 0 is classified right, and a
 * point in a cell with nodes on both sides has |F| < d, d = the longest cell diagonal (√2 × cellMeters, see
 * `networkIsochroneResolution`). Hence
 *   ∪ disc(p, r(p) − d)  ⊆  result  ⊆  ∪ disc(p, r(p) + d)      (before the clip, r(p) the walking radius at p):
 * the boundary is within d of the true one, every point that could walk d metres further is inside, and every point
 * more than d metres short of the area is outside. To d add the planar distances' error, about r² · tan φ / 6,371 km
 * (0.1 m for r = 1 km at 27°N; 30 m for the longest walk the configuration allows, 20 km). In practice the error is much smaller: F is linear across a
 * straight edge of the area, so linear interpolation puts those edges on the true line, and arcs come out as chords
 * (inside by up to cell² / (8 r)); measured, a 2 km road's stadium is 0.06 % small at r = 500 m and 50 m cells
 * (0.2 % at r = 200 m), a taper to 0 up to 1.3 % small (its sharp tip is cut within a cell). Crossings are kept
 * ≥ 5 % of a cell from the nodes, so that rounding to 6 decimals cannot make rings touch or cross (this moves such a
 * vertex by at most 5 % of a cell along its cell edge, inside the same cell: the bound holds).
 *
 * Cost: O(road segments × (r / cellMeters)²) for the nodes near each segment (nodes already 2d inside are skipped,
 * by blocks of 8 × 8), plus O(cells) for the contouring; memory 4 bytes per cell. About 0.5–0.8 s of CPU for 10,000
 * road pieces over a 70 km county at 50 m cells. The clip adds polyclip's time on the polygons that cross the clip's
 * boundary (polygons and holes wholly inside or outside it are sorted out first): ~2 s more for such a county.
 *
 * The input is not mutated.
 *
 * @throws Error on invalid roads, options or clip, latitudes beyond ±85°, or an area crossing the antimeridian
 */
export function networkIsochrone(roads: readonly ReachedRoad[], options: NetworkIsochroneOptions): MultiPolygon {
  const plan = planGrid(roads, options);
  if (!plan) return { type: 'MultiPolygon', coordinates: [] };
  const values = marginGrid(plan);
  const rings = contour(values, plan);
  let result = assemble(rings);
  if (options.clip && result.coordinates.length > 0) result = clipTo(result, options.clip);
  return result;
}

/**
 * The grid `networkIsochrone` would use for these roads and options, with its error bound (`errorMeters`); null when
 * nothing is reachable off the roads (the result is then empty).
 *
 * @throws Error on invalid roads or options, as `networkIsochrone`
 */
export function networkIsochroneResolution(roads: readonly ReachedRoad[], options: NetworkIsochroneOptions): NetworkIsochroneResolution | null {
  const plan = planGrid(roads, options);
  return plan ? { cellMeters: plan.cellMeters, errorMeters: plan.errorMeters, columns: plan.nx, rows: plan.ny } : null;
}

// ---------------------------------------------------------------------------------------------------------
// Input: segments with their walking radii, and the grid

interface Segments {
  count: number;
  /** Per segment: start and end lon/lat, walking radius (uncapped, m) at both ends. */
  lon0: Float64Array;
  lat0: Float64Array;
  lon1: Float64Array;
  lat1: Float64Array;
  r0: Float64Array;
  r1: Float64Array;
}

interface GridPlan {
  segments: Segments;
  cap: number;
  west: number;
  south: number;
  dLon: number;
  dLat: number;
  nx: number;
  ny: number;
  cellMeters: number;
  errorMeters: number;
}

function kScales(lat: number): { kx: number; ky: number } {
  const ruler = new CheapRuler(lat, 'meters');
  return { kx: ruler.kx, ky: ruler.ky };
}

function validateOptions(options: NetworkIsochroneOptions): { walk: number; cap: number; cell: number; maxCells: number } {
  if (typeof options !== 'object' || options === null) throw new Error('options must be an object');
  const { walkMetersPerMinute: walk, maxOffRoadMeters: cap, clip } = options;
  const cell = options.cellMeters ?? DEFAULT_CELL_METERS;
  const maxCells = options.maxCells ?? DEFAULT_MAX_CELLS;
  if (typeof walk !== 'number' || !Number.isFinite(walk) || walk < 0) throw new Error(`walkMetersPerMinute must be a finite number >= 0, got ${walk}`);
  if (typeof cap !== 'number' || Number.isNaN(cap) || cap < 0) throw new Error(`maxOffRoadMeters must be a number >= 0 (Infinity for no cap), got ${cap}`);
  if (typeof cell !== 'number' || !Number.isFinite(cell) || cell < MIN_CELL_METERS) {
    throw new Error(`cellMeters must be a finite number >= ${MIN_CELL_METERS}, got ${cell}`);
  }
  if (!Number.isInteger(maxCells) || maxCells < MIN_MAX_CELLS) throw new Error(`maxCells must be an integer >= ${MIN_MAX_CELLS}, got ${maxCells}`);
  if (clip !== null) {
    const problem = validateGeometry(clip);
    if (problem) throw new Error(`clip is not a valid geometry: ${problem}`);
    if (clip.type !== 'Polygon' && clip.type !== 'MultiPolygon') throw new Error(`clip must be a Polygon or MultiPolygon, got ${(clip as { type: string }).type}`);
  }
  return { walk, cap, cell, maxCells };
}

/** The segments with a positive walking radius somewhere, as typed arrays. */
function collectSegments(roads: readonly ReachedRoad[], walk: number): Segments {
  if (!Array.isArray(roads)) throw new Error('roads must be an array');
  const lon0: number[] = [];
  const lat0: number[] = [];
  const lon1: number[] = [];
  const lat1: number[] = [];
  const r0: number[] = [];
  const r1: number[] = [];
  roads.forEach((road, k) => {
    if (typeof road !== 'object' || road === null || !Array.isArray(road.line)) throw new Error(`roads[${k}].line must be an array of [longitude, latitude]`);
    const { line, remainingAtStart: ra, remainingAtEnd: rb } = road;
    if (typeof ra !== 'number' || !Number.isFinite(ra) || ra < 0 || typeof rb !== 'number' || !Number.isFinite(rb) || rb < 0) {
      throw new Error(`roads[${k}]: remainingAtStart and remainingAtEnd must be finite numbers >= 0, got ${ra} and ${rb}`);
    }
    if (line.length === 0) throw new Error(`roads[${k}].line must hold at least one position`);
    for (let i = 0; i < line.length; i++) {
      const p: unknown = line[i];
      if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
        throw new Error(`roads[${k}].line[${i}] must be [longitude, latitude] with finite numbers`);
      }
      if (p[0] < -180 || p[0] > 180 || p[1] < -MAX_LATITUDE || p[1] > MAX_LATITUDE) {
        throw new Error(`roads[${k}].line[${i}] [${p[0]}, ${p[1]}] is out of range (longitude ±180, latitude ±${MAX_LATITUDE})`);
      }
    }
    if (Math.max(ra, rb) * walk <= 0) return; // nothing to walk anywhere along it
    // Lengths along the line, for the minutes left at each vertex.
    const cum = [0];
    for (let i = 1; i < line.length; i++) {
      const { kx, ky } = kScales((line[i - 1][1] + line[i][1]) / 2);
      cum.push(cum[i - 1] + Math.hypot((line[i][0] - line[i - 1][0]) * kx, (line[i][1] - line[i - 1][1]) * ky));
    }
    const total = cum[cum.length - 1];
    const radius = (i: number) => (total > 0 ? ra + ((rb - ra) * cum[i]) / total : Math.max(ra, rb)) * walk;
    if (line.length === 1 || total === 0) {
      lon0.push(line[0][0]);
      lat0.push(line[0][1]);
      lon1.push(line[0][0]);
      lat1.push(line[0][1]);
      r0.push(radius(0));
      r1.push(radius(0));
      return;
    }
    for (let i = 1; i < line.length; i++) {
      const a = radius(i - 1);
      const b = radius(i);
      if (Math.max(a, b) <= 0) continue;
      lon0.push(line[i - 1][0]);
      lat0.push(line[i - 1][1]);
      lon1.push(line[i][0]);
      lat1.push(line[i][1]);
      r0.push(a);
      r1.push(b);
    }
  });
  return {
    count: lon0.length,
    lon0: Float64Array.from(lon0),
    lat0: Float64Array.from(lat0),
    lon1: Float64Array.from(lon1),
    lat1: Float64Array.from(lat1),
    r0: Float64Array.from(r0),
    r1: Float64Array.from(r1),
  };
}

function planGrid(roads: readonly ReachedRoad[], options: NetworkIsochroneOptions): GridPlan | null {
  const { walk, cap, cell: askedCell, maxCells } = validateOptions(options);
  if (cap <= 0 || walk <= 0) {
    collectSegments(roads, 0); // still validates the roads
    return null;
  }
  const segments = collectSegments(roads, walk);
  if (segments.count === 0) return null;

  // Extent reachable: each segment's box grown by its largest radius (the pad added per cell size below).
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (let i = 0; i < segments.count; i++) {
    const r = Math.min(cap, Math.max(segments.r0[i], segments.r1[i]));
    const latLo = Math.min(segments.lat0[i], segments.lat1[i]);
    const latHi = Math.max(segments.lat0[i], segments.lat1[i]);
    const { kx, ky } = kScales(Math.max(Math.abs(latLo), Math.abs(latHi)));
    const dLat = (r * 1.01) / ky;
    const dLon = (r * 1.01) / kx;
    w = Math.min(w, Math.min(segments.lon0[i], segments.lon1[i]) - dLon);
    e = Math.max(e, Math.max(segments.lon0[i], segments.lon1[i]) + dLon);
    s = Math.min(s, latLo - dLat);
    n = Math.max(n, latHi + dLat);
  }
  const clipBox = options.clip ? bboxOf(options.clip) : null;

  let cell = askedCell;
  for (let attempt = 0; attempt < 50; attempt++) {
    // Three cells of margin: the border nodes stay outside, and the nodes next to the area hold true margins.
    const lat0 = (s + n) / 2;
    const { kx, ky } = kScales(lat0);
    const dLon = cell / kx;
    const dLat = cell / ky;
    let west = w - 3 * dLon;
    let east = e + 3 * dLon;
    let south = s - 3 * dLat;
    let north = n + 3 * dLat;
    if (clipBox) {
      west = Math.max(west, clipBox[0] - 3 * dLon);
      south = Math.max(south, clipBox[1] - 3 * dLat);
      east = Math.min(east, clipBox[2] + 3 * dLon);
      north = Math.min(north, clipBox[3] + 3 * dLat);
      if (west >= east || south >= north) return null;
    }
    if (south < -MAX_LATITUDE - 1 || north > MAX_LATITUDE + 1) throw new Error(`the area reaches beyond ±${MAX_LATITUDE}° of latitude: not supported`);
    if (west < -180 || east > 180) throw new Error('the area crosses the antimeridian: not supported');
    const nx = Math.ceil((east - west) / dLon) + 1;
    const ny = Math.ceil((north - south) / dLat) + 1;
    if (nx * ny > maxCells) {
      cell *= Math.sqrt((nx * ny) / maxCells) * 1.01;
      continue;
    }
    // Longest cell diagonal: a degree of longitude is longest at the latitude nearest the equator.
    const nearEquator = south <= 0 && north >= 0 ? 0 : Math.min(Math.abs(south), Math.abs(north));
    const farFromEquator = Math.max(Math.abs(south), Math.abs(north));
    const dxMax = dLon * kScales(nearEquator).kx;
    const dyMax = dLat * Math.max(kScales(nearEquator).ky, kScales(farFromEquator).ky);
    return { segments, cap, west, south, dLon, dLat, nx, ny, cellMeters: cell, errorMeters: Math.hypot(dxMax, dyMax) };
  }
  throw new Error('could not fit the grid into maxCells');
}

// ---------------------------------------------------------------------------------------------------------
// The margin field F at the grid nodes

/** √(x² + y²): Math.hypot is several times slower in V8, and these values are far from overflow. */
const hyp = (x: number, y: number): number => Math.sqrt(x * x + y * y);

/**
 * F at every node, clamped to [−2d, 2d] (d the longest cell diagonal). F is 1-Lipschitz, so the nodes of an edge or
 * a cell with nodes on both sides of 0 all have |F| < d, and the clamp never changes a crossing; but nodes where F is
 * already 2d need no more work, and blocks of 8 × 8 such nodes are passed over at once, which is what makes dense
 * networks cheap. Border nodes stay at −2d, outside, so rings close.
 */
function marginGrid(plan: GridPlan): Float32Array {
  const { segments: sg, cap, west, south, dLon, dLat, nx, ny } = plan;
  const ceiling = 2 * plan.errorMeters;
  const floor = -ceiling;
  const values = new Float32Array(nx * ny).fill(floor);
  const B = 8;
  const bnx = Math.ceil(nx / B);
  const bny = Math.ceil(ny / B);
  // A lower bound of the values in each block (values only grow, so a minimum once taken stays a lower bound).
  const blockMin = new Float32Array(bnx * bny).fill(floor);
  for (let k = 0; k < sg.count; k++) {
    const rA = sg.r0[k];
    const rB = sg.r1[k];
    const rMax = Math.min(cap, Math.max(rA, rB));
    const { kx, ky } = kScales((sg.lat0[k] + sg.lat1[k]) / 2);
    const ax = sg.lon0[k];
    const ay = sg.lat0[k];
    const bx = (sg.lon1[k] - ax) * kx;
    const by = (sg.lat1[k] - ay) * ky;
    const len = hyp(bx, by);
    const ex = len > 0 ? bx / len : 1;
    const ey = len > 0 ? by / len : 0;
    const slope = len > 0 ? (rB - rA) / len : 0;
    // r(s) − |x − p(s)| is stationary where (s − u) / |x − p(s)| = slope: s = u + h · slope / √(1 − slope²).
    const lean = Math.abs(slope) < 1 ? slope / Math.sqrt(1 - slope * slope) : 0;
    const reach = rMax + ceiling;
    const i0 = Math.max(1, Math.floor((Math.min(ax, sg.lon1[k]) - reach / kx - west) / dLon));
    const i1 = Math.min(nx - 2, Math.ceil((Math.max(ax, sg.lon1[k]) + reach / kx - west) / dLon));
    const j0 = Math.max(1, Math.floor((Math.min(ay, sg.lat1[k]) - reach / ky - south) / dLat));
    const j1 = Math.min(ny - 2, Math.ceil((Math.max(ay, sg.lat1[k]) + reach / ky - south) / dLat));
    const halfBlock = (hyp(dLon * kx, dLat * ky) * (B - 1)) / 2;
    for (let bj = Math.floor(j0 / B); bj <= Math.floor(j1 / B); bj++) {
      for (let bi = Math.floor(i0 / B); bi <= Math.floor(i1 / B); bi++) {
        const b = bj * bnx + bi;
        const known = blockMin[b];
        if (known >= ceiling) continue;
        // Nearest the segment can come to the block: from the block's centre, less its half diagonal.
        const cx = (west + (bi * B + (B - 1) / 2) * dLon - ax) * kx;
        const cy = (south + (bj * B + (B - 1) / 2) * dLat - ay) * ky;
        const t = Math.max(0, Math.min(len, cx * ex + cy * ey));
        if (rMax - (hyp(cx - t * ex, cy - t * ey) - halfBlock) <= known) continue;
        const ia = Math.max(i0, bi * B);
        const ib = Math.min(i1, bi * B + B - 1);
        const ja = Math.max(j0, bj * B);
        const jb = Math.min(j1, bj * B + B - 1);
        let least = Infinity;
        for (let j = ja; j <= jb; j++) {
          const y = (south + j * dLat - ay) * ky;
          const row = j * nx;
          for (let i = ia; i <= ib; i++) {
            const current = values[row + i];
            const x = (west + i * dLon - ax) * kx;
            const h = Math.abs(x * ey - y * ex);
            if (current >= ceiling || rMax - h <= current) {
              // this segment cannot do better: the distance is at least h
              if (current < least) least = current;
              continue;
            }
            const along = x * ex + y * ey;
            let g: number;
            if (len === 0) {
              g = rMax - hyp(x, y);
            } else {
              // Best s for the uncapped radius; if the cap does not bind there, that is the maximum.
              const free = Math.abs(slope) < 1 ? along + h * lean : slope > 0 ? len : 0;
              const s1 = free < 0 ? 0 : free > len ? len : free;
              const r1 = rA + slope * s1;
              if (r1 <= cap) {
                g = r1 - hyp(s1 - along, h);
              } else {
                // Best s under the cap (the foot of the perpendicular); else the point where the cap starts.
                const s2 = along < 0 ? 0 : along > len ? len : along;
                g = rA + slope * s2 >= cap ? cap - hyp(s2 - along, h) : cap - hyp((cap - rA) / slope - along, h);
              }
            }
            const v = g > current ? (g > ceiling ? ceiling : g) : current;
            values[row + i] = v;
            if (v < least) least = v;
          }
        }
        // Blocks visited whole (not cut by the segment's range or the grid's border) learn their minimum.
        if (ia === bi * B && ib === bi * B + B - 1 && ja === bj * B && jb === bj * B + B - 1 && least > known) blockMin[b] = least;
      }
    }
  }
  return values;
}

// ---------------------------------------------------------------------------------------------------------
// Marching squares on the level F = 0, traced into rings with the inside on the left

function contour(values: Float32Array, plan: GridPlan): Position[][] {
  const { nx, ny, west, south, dLon, dLat } = plan;
  const vOffset = nx * ny;
  // Edge ids: horizontal edge from node (i, j) east: j·nx + i; vertical edge from (i, j) north: nx·ny + j·nx + i.
  const next = new Map<number, number>();
  const corner = [0, 0, 0, 0];
  const edge = [0, 0, 0, 0];
  const crossing: number[] = [];
  const leaving: boolean[] = [];
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx - 1; i++) {
      const bl = j * nx + i;
      // Corners counter-clockwise from the south-west; edge k runs from corner k to corner k + 1.
      corner[0] = values[bl];
      corner[1] = values[bl + 1];
      corner[2] = values[bl + nx + 1];
      corner[3] = values[bl + nx];
      const code = (corner[0] > 0 ? 1 : 0) | (corner[1] > 0 ? 2 : 0) | (corner[2] > 0 ? 4 : 0) | (corner[3] > 0 ? 8 : 0);
      if (code === 0 || code === 15) continue;
      edge[0] = bl;
      edge[1] = vOffset + bl + 1;
      edge[2] = bl + nx;
      edge[3] = vOffset + bl;
      crossing.length = 0;
      leaving.length = 0;
      for (let k = 0; k < 4; k++) {
        const inA = corner[k] > 0;
        if (inA !== corner[(k + 1) & 3] > 0) {
          crossing.push(edge[k]);
          leaving.push(inA);
        }
      }
      // A crossing where the cell's boundary leaves the inside starts a segment, which ends at the next crossing
      // counter-clockwise (cutting off the outside corners between them) when the cell's centre is inside, else at
      // the previous one (cutting off the inside corner). With two crossings both are the same.
      const m = crossing.length;
      const centreInside = m === 4 && corner[0] + corner[1] + corner[2] + corner[3] > 0;
      for (let c = 0; c < m; c++) {
        if (!leaving[c]) continue;
        next.set(crossing[c], crossing[(c + (centreInside ? 1 : m - 1)) % m]);
      }
    }
  }

  const position = (id: number): Position => {
    const vertical = id >= vOffset;
    const base = vertical ? id - vOffset : id;
    const j = Math.floor(base / nx);
    const i = base - j * nx;
    const a = values[base];
    const b = values[vertical ? base + nx : base + 1];
    let t = a / (a - b);
    t = t < NODE_CLEARANCE ? NODE_CLEARANCE : t > 1 - NODE_CLEARANCE ? 1 - NODE_CLEARANCE : t;
    return vertical ? [west + i * dLon, south + (j + t) * dLat] : [west + (i + t) * dLon, south + j * dLat];
  };

  const rings: Position[][] = [];
  const total = next.size;
  for (const start of next.keys()) {
    if (!next.has(start)) continue; // already traced (deleted)
    const ring: Position[] = [];
    let id = start;
    for (let guard = 0; ; guard++) {
      if (guard > total) throw new Error('networkIsochrone: contour did not close (internal error)');
      ring.push(position(id));
      const to = next.get(id);
      next.delete(id);
      if (to === undefined) throw new Error('networkIsochrone: contour did not close (internal error)');
      id = to;
      if (id === start) break;
    }
    ring.push(ring[0]);
    rings.push(ring);
  }
  return rings;
}

// ---------------------------------------------------------------------------------------------------------
// Rings → MultiPolygon

type Box = [number, number, number, number];

function bboxOf(g: Polygon | MultiPolygon): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const rings of polys) for (const ring of rings) extendBox(box, ring);
  return box;
}

function extendBox(box: Box, ring: readonly Position[]): Box {
  for (const p of ring) {
    if (p[0] < box[0]) box[0] = p[0];
    if (p[1] < box[1]) box[1] = p[1];
    if (p[0] > box[2]) box[2] = p[0];
    if (p[1] > box[3]) box[3] = p[1];
  }
  return box;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6 + 0;

/** Signed area ×2 in lon/lat (positive = counter-clockwise). */
function ringSignedArea2(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0, n = ring.length; i < n - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s;
}

function pointInRing(x: number, y: number, ring: readonly Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const yi = ring[i][1];
    const yj = ring[j][1];
    if (yi > y !== yj > y && x < ((ring[j][0] - ring[i][0]) * (y - yi)) / (yj - yi) + ring[i][0]) inside = !inside;
  }
  return inside;
}

/** Rounds to 6 dp, drops repeated positions, closes; null when fewer than 3 distinct positions remain. */
function roundRing(ring: readonly Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [round6(p[0]), round6(p[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  if (out.length < 3) return null;
  out.push([out[0][0], out[0][1]]);
  return out;
}

/**
 * Rings with the inside on their left (exteriors counter-clockwise, holes clockwise), disjoint, into a MultiPolygon:
 * each hole goes to the smallest exterior containing it (its immediate parent, as the rings are nested).
 */
function assemble(rawRings: readonly Position[][]): MultiPolygon {
  const outers: { ring: Position[]; area: number; box: Box; index: number }[] = [];
  const holes: { ring: Position[]; box: Box }[] = [];
  for (const raw of rawRings) {
    const ring = roundRing(raw);
    if (!ring) continue;
    const a2 = ringSignedArea2(ring);
    const box = extendBox([Infinity, Infinity, -Infinity, -Infinity], ring);
    if (a2 > 0) outers.push({ ring, area: a2, box, index: outers.length });
    else if (a2 < 0) holes.push({ ring, box });
  }
  const polys: Position[][][] = outers.map((o) => [o.ring]);
  const bySize = [...outers].sort((p, q) => p.area - q.area);
  for (const hole of holes) {
    const hb = hole.box;
    const [x, y] = hole.ring[0];
    const parent = bySize.find((o) => hb[0] >= o.box[0] && hb[2] <= o.box[2] && hb[1] >= o.box[1] && hb[3] <= o.box[3] && pointInRing(x, y, o.ring));
    // Every hole of a traced contour lies in some exterior; one that does not (cannot happen) is dropped.
    if (parent) polys[parent.index].push(hole.ring);
  }
  return { type: 'MultiPolygon', coordinates: polys };
}

/**
 * result ∩ clip. A ring of the result that meets no clip edge, with no clip vertex in its box, lies wholly inside or
 * wholly outside the clip. So polygons made only of such rings are kept as they are or dropped, by one point-in-clip
 * test; the holes of the other polygons likewise, which is kept going back into the clipped polygon around them. Only
 * the rest (exteriors that cross, with the holes that cross) goes through polyclip-ts (turf.intersect), which is slow
 * on many vertices; its output is rounded and wound as RFC 7946 asks.
 */
function clipTo(result: MultiPolygon, clip: Polygon | MultiPolygon): MultiPolygon {
  const edges = clipEdges(clip);
  const clipBox = bboxOf(clip);
  const kept: Position[][][] = [];
  const crossing: Position[][][] = [];
  const innerHoles: Position[][] = [];
  const meets = (ring: Position[]) => edges.meets(ring) || edges.hasVertexIn(extendBox([Infinity, Infinity, -Infinity, -Infinity], ring));
  for (const poly of result.coordinates) {
    const box = extendBox([Infinity, Infinity, -Infinity, -Infinity], poly[0]);
    if (box[2] < clipBox[0] || box[0] > clipBox[2] || box[3] < clipBox[1] || box[1] > clipBox[3]) continue;
    if (!meets(poly[0])) {
      if (!edges.hasVertexIn(box) && !poly.some((ring) => edges.meets(ring))) {
        if (edges.contains(poly[0][0][0], poly[0][0][1])) kept.push(poly);
        continue;
      }
    }
    const rings = [poly[0]];
    for (let k = 1; k < poly.length; k++) {
      if (meets(poly[k])) rings.push(poly[k]);
      else if (edges.contains(poly[k][0][0], poly[k][0][1])) innerHoles.push(poly[k]);
    }
    crossing.push(rings);
  }
  if (crossing.length === 0) return { type: 'MultiPolygon', coordinates: kept };
  const cut = turf.intersect(
    turf.featureCollection<Polygon | MultiPolygon>([turf.feature({ type: 'MultiPolygon', coordinates: crossing }), turf.feature(structuredClone(clip))]),
  );
  const g = cut?.geometry;
  const polys = !g ? [] : g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const clipped: { rings: Position[][]; area: number; box: Box }[] = [];
  for (const poly of polys) {
    const rings: Position[][] = [];
    for (let k = 0; k < poly.length; k++) {
      const ring = roundRing(poly[k]);
      if (!ring) {
        if (k === 0) break;
        continue;
      }
      const a2 = ringSignedArea2(ring);
      if (a2 === 0) {
        if (k === 0) break;
        continue;
      }
      rings.push(a2 > 0 === (k === 0) ? ring : ring.reverse());
    }
    if (rings.length > 0) clipped.push({ rings, area: Math.abs(ringSignedArea2(rings[0])), box: extendBox([Infinity, Infinity, -Infinity, -Infinity], rings[0]) });
  }
  // Each hole set aside goes to the smallest clipped exterior around it (an island in a hole is smaller than the
  // polygon with the hole); it lies in one, as it is in its polygon and in the clip with some room around it.
  clipped.sort((p, q) => p.area - q.area);
  for (const hole of innerHoles) {
    const [x, y] = hole[0];
    const host = clipped.find(({ rings, box }) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3] && pointInRing(x, y, rings[0]));
    if (host) host.rings.push(hole);
  }
  for (const { rings } of clipped) kept.push(rings);
  return { type: 'MultiPolygon', coordinates: kept };
}

/** The clip's edges bucketed on a uniform grid: which rings they meet, which boxes hold a vertex, containment. */
function clipEdges(clip: Polygon | MultiPolygon) {
  const ax: number[] = [];
  const ay: number[] = [];
  const bx: number[] = [];
  const by: number[] = [];
  const polys = clip.type === 'Polygon' ? [clip.coordinates] : clip.coordinates;
  for (const poly of polys) {
    for (const ring of poly) {
      for (let i = 0; i + 1 < ring.length; i++) {
        ax.push(ring[i][0]);
        ay.push(ring[i][1]);
        bx.push(ring[i + 1][0]);
        by.push(ring[i + 1][1]);
      }
    }
  }
  const [x0, y0, x1, y1] = bboxOf(clip);
  const g = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(ax.length) * 2)));
  const cw = (x1 - x0) / g || 1;
  const ch = (y1 - y0) / g || 1;
  const col = (x: number) => Math.max(0, Math.min(g - 1, Math.floor((x - x0) / cw)));
  const row = (y: number) => Math.max(0, Math.min(g - 1, Math.floor((y - y0) / ch)));
  const cells: number[][] = Array.from({ length: g * g }, () => []);
  const vertexCells = new Uint8Array(g * g);
  for (let e = 0; e < ax.length; e++) {
    vertexCells[row(ay[e]) * g + col(ax[e])] = 1;
    for (let r = row(Math.min(ay[e], by[e])); r <= row(Math.max(ay[e], by[e])); r++) {
      for (let c = col(Math.min(ax[e], bx[e])); c <= col(Math.max(ax[e], bx[e])); c++) cells[r * g + c].push(e);
    }
  }
  const orient = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  return {
    /** Whether some clip edge meets (crosses or touches) an edge of the ring. */
    meets(ring: readonly Position[]): boolean {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [px, py] = ring[i];
        const [qx, qy] = ring[i + 1];
        if (Math.max(px, qx) < x0 || Math.min(px, qx) > x1 || Math.max(py, qy) < y0 || Math.min(py, qy) > y1) continue;
        for (let r = row(Math.min(py, qy)); r <= row(Math.max(py, qy)); r++) {
          for (let c = col(Math.min(px, qx)); c <= col(Math.max(px, qx)); c++) {
            for (const e of cells[r * g + c]) {
              if (Math.max(ax[e], bx[e]) < Math.min(px, qx) || Math.min(ax[e], bx[e]) > Math.max(px, qx)) continue;
              if (Math.max(ay[e], by[e]) < Math.min(py, qy) || Math.min(ay[e], by[e]) > Math.max(py, qy)) continue;
              if (orient(px, py, qx, qy, ax[e], ay[e]) * orient(px, py, qx, qy, bx[e], by[e]) <= 0 && orient(ax[e], ay[e], bx[e], by[e], px, py) * orient(ax[e], ay[e], bx[e], by[e], qx, qy) <= 0) {
                return true;
              }
            }
          }
        }
      }
      return false;
    },
    /** Whether a clip vertex may lie in the box (conservative: a grid cell holding one overlaps it). */
    hasVertexIn(box: Box): boolean {
      if (box[2] < x0 || box[0] > x1 || box[3] < y0 || box[1] > y1) return false;
      for (let r = row(box[1]); r <= row(box[3]); r++) for (let c = col(box[0]); c <= col(box[2]); c++) if (vertexCells[r * g + c]) return true;
      return false;
    },
    /** Even-odd point-in-clip over every ring, counting the edges crossing the point's row to its west. */
    contains(x: number, y: number): boolean {
      if (x < x0 || x > x1 || y < y0 || y > y1) return false;
      let inside = false;
      for (let e = 0; e < ax.length; e++) {
        if (ay[e] > y !== by[e] > y && x < ((bx[e] - ax[e]) * (y - ay[e])) / (by[e] - ay[e]) + ax[e]) inside = !inside;
      }
      return inside;
    },
  };
}
