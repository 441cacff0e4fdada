import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseLogLines, ROOT, run, serverEnv, waitFor } from '../helpers/server-process';

/**
 * The real start path in miniature: compile with tsc (what `npm start` does in prestart), then run
 * `node dist/src/main.js` as a child process against the run's seeded test database, query it over
 * HTTP, and stop it with SIGTERM.
 *
 * The embedded test database (PGlite behind pglite-socket) runs one statement at a time and is
 * served by this very process; that works as long as this file opens no connection of its own and
 * the child uses a pool of one.
 */

const MAIN = path.join(ROOT, 'dist/src/main.js');

describe('starting the compiled server (e2e)', () => {
  const running: ChildProcess[] = [];
  /** How the SIGTERM shutdown of the first test went. */
  let shutdown: { ms: number; messages: string[] } | undefined;

  beforeAll(async () => {
    const started = Date.now();
    const tsc = run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { PATH: process.env.PATH, HOME: process.env.HOME });
    const exit = await tsc.exited;
    if (exit.code !== 0) throw new Error(`tsc -p tsconfig.json failed (${JSON.stringify(exit)}):\n${[...tsc.stdout, ...tsc.stderr].join('\n')}`);
    expect(fs.statSync(MAIN).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
  }, 120_000);

  afterAll(() => {
    // Only the children this file started, by pid, if a failed test left one behind.
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('starts on the test database, answers a query, and exits 0 on SIGTERM', async () => {
    const server = run(process.execPath, [MAIN], serverEnv({}));
    running.push(server.child);
    const state = () => `stdout:\n${server.stdout.join('\n')}\nstderr:\n${server.stderr.join('\n')}`;

    const url = await waitFor(
      '"Service Circle ready at …"',
      () => parseLogLines(server.stdout).find((l) => l.msg?.startsWith('Service Circle ready at '))?.msg?.replace('Service Circle ready at ', ''),
      server.exited,
      30_000,
      state,
    );
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(url).not.toMatch(/:0\//);

    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ area(code: "520121") { name villageCount } }' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { area: { name: '开阳县', villageCount: 136 } } });
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(200);

    // A coverage polygon: computed by the compiled worker thread (dist/src/coverage/coverage-polygon.worker.js).
    const polygonRes = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // A village-level item: Kaiyang's ~180 points, more than INLINE_MAX_CIRCLES, so a worker thread computes it.
      body: JSON.stringify({ query: '{ coverage(areaCode: "520121", itemCode: "RESIDENT_ENROLMENT") { polygonAreaKm2 polygon } }' }),
    });
    const polygonBody = (await polygonRes.json()) as { data?: { coverage: { polygonAreaKm2: number; polygon: { type: string; coordinates: unknown[] } } }; errors?: unknown };
    expect(polygonBody.errors).toBeUndefined();
    expect(polygonBody.data!.coverage.polygon.type).toBe('MultiPolygon');
    expect(polygonBody.data!.coverage.polygon.coordinates.length).toBeGreaterThan(0);
    expect(polygonBody.data!.coverage.polygonAreaKm2).toBeGreaterThan(0);
    const metrics = await (await fetch(new URL('/metrics', url))).text();
    expect(metrics).toMatch(/^coverage_polygons_computed_total 1$/m);
    expect(metrics).toMatch(/^coverage_polygons_inline_total 0$/m);

    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    shutdown = { ms: Date.now() - signalled, messages: parseLogLines(server.stdout).map((l) => l.msg ?? '') };
    expect({ exit, stderr: server.stderr }).toEqual({ exit: { code: 0, signal: null }, stderr: [] });
    expect(shutdown.messages.some((m) => m.startsWith('shutting down'))).toBe(true);
    expect(parseLogLines(server.stdout).filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
  }, 60_000);

  // Apollo's own signal handler used to race main's shutdown, which then never finished (stopOnTerminationSignals: false).
  it('shuts down promptly: logs "stopped" within 5 s of SIGTERM', () => {
    expect(shutdown).toBeDefined();
    expect(shutdown!.messages).toContain('stopped');
    expect(shutdown!.ms).toBeLessThan(5000);
  });

  it('fails fast with exit code 78 and a message naming PORT on a bad configuration', async () => {
    const server = run(process.execPath, [MAIN], serverEnv({ PORT: 'notaport' }));
    running.push(server.child);
    const exit = await server.exited;
    expect(exit).toEqual({ code: 78, signal: null });
    expect(server.stderr.join('\n')).toMatch(/PORT/);
    expect(server.stdout.join('\n')).not.toMatch(/ready at/);
  }, 30_000);
});
