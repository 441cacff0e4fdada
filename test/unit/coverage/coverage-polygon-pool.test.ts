import type { Polygon } from 'geojson';
import { queueOptionsSymbol, type PiscinaTask } from 'piscina';
import { CheapestFirstQueue, CoveragePolygonPool, INLINE_MAX_CIRCLES } from '../../../src/coverage/coverage-polygon.pool';
import { coveragePolygon } from '../../../src/geo/coverage-polygon';
import { geodesicAreaKm2 } from '../../../src/geo/geodesic-area-km2';

/** A county-sized box (about 60 km × 60 km around Kaiyang) and a grid of 900 service points in it. */
const CLIP: Polygon = { type: 'Polygon', coordinates: [[[106.7, 26.8], [107.3, 26.8], [107.3, 27.35], [106.7, 27.35], [106.7, 26.8]]] };
const CENTERS: [number, number][] = [];
for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) CENTERS.push([106.7 + i * 0.02 + (j % 2) * 0.007, 26.8 + j * 0.018]);
const RADIUS_METERS = 1250;
/** The fewest circles that go to a worker thread; fewer are computed on the calling thread. */
const SMALLEST_FOR_A_WORKER = CENTERS.slice(0, INLINE_MAX_CIRCLES + 1);

/** Counts turns of the event loop (setImmediate chain) until stopped: how much else this thread got to do meanwhile. */
function countTurns(): () => number {
  let turns = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return () => {
    running = false;
    return turns;
  };
}

describe('CoveragePolygonPool', () => {
  const pools: CoveragePolygonPool[] = [];
  const pool = (threads: number, maxQueue = 32) => {
    const p = new CoveragePolygonPool({ threads, maxQueue });
    pools.push(p);
    return p;
  };
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it('computes in a worker thread the same polygon and area as the function itself', async () => {
    const expected = coveragePolygon(CENTERS, RADIUS_METERS, CLIP);
    const result = await pool(1).union({ centers: CENTERS, radiusMeters: RADIUS_METERS, clip: CLIP });
    expect(result.polygon).toEqual(expected);
    expect(result.areaKm2).toBe(geodesicAreaKm2(expected));
    expect(result.areaKm2).toBeGreaterThan(100);
  });

  it('keeps the calling thread free while a worker computes; inline (0 threads) it is blocked until done', async () => {
    const workers = pool(1);
    await workers.union({ centers: SMALLEST_FOR_A_WORKER, radiusMeters: RADIUS_METERS, clip: CLIP }); // threads started

    const stopWorker = countTurns();
    await workers.union({ centers: CENTERS, radiusMeters: RADIUS_METERS, clip: CLIP });
    const turnsWithWorker = stopWorker();

    const stopInline = countTurns();
    await pool(0).union({ centers: CENTERS, radiusMeters: RADIUS_METERS, clip: CLIP });
    const turnsInline = stopInline();

    expect(turnsInline).toBe(0); // the whole union ran before the event loop turned once
    expect(turnsWithWorker).toBeGreaterThan(10); // the loop kept turning: other requests would be served
  });

  it('refuses polygons beyond POLYGON_QUEUE with SERVICE_UNAVAILABLE, computes the others, and counts both', async () => {
    const busy = pool(1, 1);
    await busy.union({ centers: SMALLEST_FOR_A_WORKER, radiusMeters: RADIUS_METERS, clip: CLIP });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => busy.union({ centers: CENTERS, radiusMeters: RADIUS_METERS, clip: CLIP })));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    // One thread runs one polygon at a time and one may wait: at most two of six submitted at once get through.
    expect(outcomes.length - refused.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.length - refused.length).toBeLessThanOrEqual(2);
    for (const r of refused) {
      const err = (r as PromiseRejectedResult).reason as { extensions?: { code?: string }; message: string };
      expect(err.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(err.message).toMatch(/POLYGON_QUEUE/);
    }
    expect(busy.stats).toEqual({ computed: 1 + outcomes.length - refused.length, inline: 0, refused: refused.length });
    expect(busy.queued).toBe(0);
  });

  it('a small polygon waiting behind a big one goes first; equal ones keep their order', async () => {
    const workers = pool(1);
    await workers.union({ centers: SMALLEST_FOR_A_WORKER, radiusMeters: RADIUS_METERS, clip: CLIP });
    const done: string[] = [];
    const run = (name: string, centers: [number, number][]) => workers.union({ centers, radiusMeters: RADIUS_METERS, clip: CLIP }).then(() => done.push(name));
    // All submitted at once: "big 1" takes the thread, the rest wait and are ordered by arrival + estimated cost.
    const small = INLINE_MAX_CIRCLES + 10; // still for a worker, ~8 times cheaper than "big"
    await Promise.all([run('big 1', CENTERS), run('big 2', CENTERS), run('small 1', CENTERS.slice(0, small)), run('small 2', CENTERS.slice(small, 2 * small))]);
    expect(done).toEqual(['big 1', 'small 1', 'small 2', 'big 2']);
  });

  it('CheapestFirstQueue orders by arrival + estimated cost, stable for ties, and removes', () => {
    const queue = new CheapestFirstQueue();
    const task = (id: number, readyBy: number) => ({ taskId: id, [queueOptionsSymbol]: { readyBy } }) as unknown as PiscinaTask;
    const [a, b, c, d] = [task(1, 50), task(2, 10), task(3, 50), task(4, 30)];
    for (const t of [a, b, c, d]) queue.push(t);
    expect(queue.size).toBe(4);
    queue.remove(d);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([b, a, c, null]);
  });

  it('passes a worker-side error back to the caller, and the pool goes on working', async () => {
    const workers = pool(1);
    await expect(workers.union({ centers: [...SMALLEST_FOR_A_WORKER, [200, 27]], radiusMeters: RADIUS_METERS, clip: null })).rejects.toThrow(/out of range/);
    const after = await workers.union({ centers: SMALLEST_FOR_A_WORKER, radiusMeters: RADIUS_METERS, clip: CLIP });
    expect(after.polygon.coordinates.length).toBeGreaterThan(0);
  });

  it('computes small polygons on the calling thread, even while the worker is busy', async () => {
    const workers = pool(1);
    const big = workers.union({ centers: CENTERS, radiusMeters: RADIUS_METERS, clip: CLIP });
    const stop = countTurns();
    const small = await workers.union({ centers: CENTERS.slice(0, INLINE_MAX_CIRCLES), radiusMeters: RADIUS_METERS, clip: CLIP });
    expect(stop()).toBe(0); // done before the event loop turned: not handed to the (busy) worker
    expect(small).toEqual({ polygon: coveragePolygon(CENTERS.slice(0, INLINE_MAX_CIRCLES), RADIUS_METERS, CLIP), areaKm2: expect.any(Number) });
    await big;
  });

  it('starts again after close()', async () => {
    const workers = pool(1);
    await workers.union({ centers: SMALLEST_FOR_A_WORKER, radiusMeters: RADIUS_METERS, clip: CLIP });
    await workers.close();
    const again = await workers.union({ centers: SMALLEST_FOR_A_WORKER, radiusMeters: RADIUS_METERS, clip: CLIP });
    expect(again.polygon).toEqual(coveragePolygon(SMALLEST_FOR_A_WORKER, RADIUS_METERS, CLIP));
    expect(workers.stats.computed).toBe(2);
  });

  it('gives the geodesic area with the polygon (one circle: within 0.5 % of πr²)', async () => {
    const one = await pool(1).union({ centers: CENTERS.slice(0, 1), radiusMeters: RADIUS_METERS, clip: null });
    // One circle of 64 chords: 0.16 % under πr² (the inscribed polygon).
    const circleKm2 = (Math.PI * RADIUS_METERS ** 2) / 1e6;
    expect(Math.abs(one.areaKm2 / circleKm2 - 1)).toBeLessThan(0.005);
  });
});
