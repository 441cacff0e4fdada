import type { DataSource } from 'typeorm';
import { createSilentLogger } from '../../../src/common/logger';
import { parseMinDataVersion, ReadReplicas, ReadRoute, withReadRoute } from '../../../src/db/read-replicas';

/** A stand-in DataSource: answers the data version with `version`, every other statement with its own name; `down` refuses. */
class FakeDataSource {
  isInitialized = false;
  down = false;
  version = 10n;
  readonly statements: string[] = [];
  constructor(readonly name: string) {}
  async initialize() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    this.isInitialized = true;
    return this;
  }
  async destroy() {
    this.isInitialized = false;
  }
  async query(sql: string) {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    this.statements.push(sql);
    if (/FROM data_version/.test(sql)) return [{ version: String(this.version), standby: true }];
    return [{ from: this.name }];
  }
}

const asDataSource = (f: FakeDataSource) => f as unknown as DataSource;

async function setUp(replicaCount = 1, checkMs = 0) {
  const primary = new FakeDataSource('primary');
  primary.isInitialized = true;
  const fakes = Array.from({ length: replicaCount }, (_, i) => new FakeDataSource(`replica-${i + 1}`));
  const urls = fakes.map((_, i) => `postgres://r${i + 1}/db`);
  const replicas = new ReadReplicas(asDataSource(primary), urls, (url) => asDataSource(fakes[urls.indexOf(url)]!), { checkMs, logger: createSilentLogger() });
  await replicas.start();
  return { primary, fakes, replicas, db: replicas.routed() };
}

/** Runs `statements` plain statements as one request with `route`; which database answered each. */
async function request(db: DataSource, route: ReadRoute, statements = 2): Promise<string[]> {
  return withReadRoute(route, async () => {
    const from: string[] = [];
    for (let i = 0; i < statements; i++) from.push(((await db.query('SELECT 1')) as { from: string }[])[0]!.from);
    return from;
  });
}

describe('read replicas: routing each request (db/read-replicas.ts)', () => {
  it('sends statements outside a request to the primary, and a request\'s to an up-to-date replica, keeping it to the end', async () => {
    const { db, replicas } = await setUp(2);
    expect(((await db.query('SELECT 1')) as { from: string }[])[0]!.from).toBe('primary');
    const served: string[][] = [];
    const one = await request(db, new ReadRoute(null, false, (s) => served.push([...s])), 3);
    const two = await request(db, new ReadRoute(null, false), 3);
    expect(one).toEqual(['replica-1', 'replica-1', 'replica-1']);
    expect(two).toEqual(['replica-2', 'replica-2', 'replica-2']); // round-robin between requests
    expect(served).toEqual([['replica-1']]);
    expect(replicas.stats.routed).toEqual({ primary: 0, 'replica-1': 1, 'replica-2': 1 });
    await replicas.close();
  });

  it('reads from the primary for a request that writes, and for one whose minimum version every replica is behind', async () => {
    const { db, fakes, replicas } = await setUp(1);
    expect(await request(db, new ReadRoute(null, true))).toEqual(['primary', 'primary']);
    const mutation = new ReadRoute(null, false);
    let writes = false;
    mutation.watchWrites(() => writes);
    writes = true;
    expect(await request(db, mutation)).toEqual(['primary', 'primary']);

    fakes[0]!.version = 10n;
    expect(await request(db, new ReadRoute(11n, false))).toEqual(['primary', 'primary']);
    expect(await request(db, new ReadRoute(10n, false))).toEqual(['replica-1', 'replica-1']);
    fakes[0]!.version = 11n; // caught up (checkMs 0: read again each time)
    expect(await request(db, new ReadRoute(11n, false))).toEqual(['replica-1', 'replica-1']);
    expect(replicas.stats.fallbacks).toEqual({ lag: 1, down: 0, error: 0 });
    await replicas.close();
  });

  it('trusts a replica\'s version for DATABASE_REPLICA_CHECK_MS: not read again within it', async () => {
    const { db, fakes, replicas } = await setUp(1, 60_000);
    const versionReads = () => fakes[0]!.statements.filter((s) => /data_version/.test(s)).length;
    const before = versionReads();
    for (let i = 0; i < 5; i++) await request(db, new ReadRoute(null, false));
    expect(versionReads()).toBe(before); // read at start, trusted since
    fakes[0]!.version = 12n;
    expect(await request(db, new ReadRoute(12n, false))).toEqual(['primary', 'primary']); // not read again within checkMs
    await replicas.close();
  });

  it('moves a request to the primary when its replica fails mid-way, marks the replica down, and probes it back', async () => {
    const { db, fakes, replicas } = await setUp(1);
    const served: string[][] = [];
    const route = new ReadRoute(null, false, (s) => served.push([...s]));
    const from = await withReadRoute(route, async () => {
      const first = ((await db.query('SELECT 1')) as { from: string }[])[0]!.from;
      fakes[0]!.down = true;
      const second = ((await db.query('SELECT 1')) as { from: string }[])[0]!.from;
      return [first, second];
    });
    expect(from).toEqual(['replica-1', 'primary']);
    expect(served.at(-1)).toEqual(['replica-1', 'primary']);
    expect(replicas.stats.replicas[0]).toMatchObject({ name: 'replica-1', up: false });
    expect(await request(db, new ReadRoute(null, false))).toEqual(['primary', 'primary']);
    expect(replicas.stats.fallbacks).toEqual({ lag: 0, down: 1, error: 1 });

    fakes[0]!.down = false;
    await new Promise((r) => setTimeout(r, 700)); // the first probe, 500 ms after the failure
    expect(replicas.stats.replicas[0]).toMatchObject({ up: true });
    expect(await request(db, new ReadRoute(null, false))).toEqual(['replica-1', 'replica-1']);
    await replicas.close();
  });

  it('starts with a replica that is down (its reads on the primary), and does not fail the start', async () => {
    const primary = new FakeDataSource('primary');
    primary.isInitialized = true;
    const fake = new FakeDataSource('replica-1');
    fake.down = true;
    const replicas = new ReadReplicas(asDataSource(primary), ['postgres://r1/db'], () => asDataSource(fake), { checkMs: 0, logger: createSilentLogger() });
    await replicas.start();
    expect(await request(replicas.routed(), new ReadRoute(null, false))).toEqual(['primary', 'primary']);
    await replicas.close();
  });
});

describe('parseMinDataVersion (X-Min-Data-Version)', () => {
  it('reads digits, is null when absent or empty, undefined when malformed', () => {
    expect(parseMinDataVersion(undefined)).toBeNull();
    expect(parseMinDataVersion(' ')).toBeNull();
    expect(parseMinDataVersion('42')).toBe(42n);
    expect(parseMinDataVersion(['1', '7'])).toBe(7n);
    for (const bad of ['-1', '1.5', 'abc', '1'.repeat(20)]) expect(parseMinDataVersion(bad)).toBeUndefined();
  });
});
