import fs from 'node:fs';
import path from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CLI_ACTOR } from '../../src/write/actor';
import { Role } from '../../src/common/role.enum';
import { postGraphQL } from '../helpers/graphql-http';
import { soleCoveringStation } from '../helpers/coverage-fixtures';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * GraphQL subscriptions over WebSocket in the graphql-ws protocol (coverage core issue, item 6), with a real
 * graphql-ws client: coverageChanged emits the new figures when a write changes them and stays silent on writes
 * that do not; servicePointChanged emits the point after each write in its area; keys in connectionParams with the
 * same roles; limits per connection, per key and per client; bad documents get the protocol's error.
 */

const AREA = '520121';
const ITEM = 'CHRONIC_DISEASE_CERT';
const COVERAGE_CHANGED = `subscription { coverageChanged(areaCode: "${AREA}", itemCode: "${ITEM}", mode: WALK) { villageCount coveredVillageCount population coveredPopulation provenance { dataVersion travelModel } } }`;
type CoverageEvent = { coverageChanged: { villageCount: number; coveredVillageCount: number; population: number; coveredPopulation: number; provenance: { dataVersion: string; travelModel: string } } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A subscription's events as they arrive, and its end (an error or completion). */
function subscribe<T>(client: WsClient, query: string) {
  const events: T[] = [];
  let error: unknown = null;
  let completed = false;
  const dispose = client.subscribe<T>(
    { query },
    {
      next: (value) => {
        if (value.errors) error = value.errors;
        else events.push(value.data as T);
      },
      error: (err) => (error = err),
      complete: () => (completed = true),
    },
  );
  return {
    events,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    dispose,
    async next(count: number, timeoutMs = 3000): Promise<T[]> {
      const until = Date.now() + timeoutMs;
      while (events.length < count && !error && Date.now() < until) await sleep(10);
      if (error) throw new Error(`subscription failed: ${JSON.stringify(error)}`);
      if (events.length < count) throw new Error(`${events.length} of ${count} events within ${timeoutMs} ms`);
      return events.slice(0, count);
    },
  };
}

describe('GraphQL subscriptions over WebSocket (graphql-ws)', () => {
  let t: TestApp;
  let wsUrl: string;
  let httpUrl: string;
  let planner: string;
  let editor: string;
  const clients: WsClient[] = [];

  const connect = (params: Record<string, unknown> = {}, options: { lazy?: boolean } = {}) => {
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: params, lazy: options.lazy ?? true, retryAttempts: 0 });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp({ WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3', WS_MAX_SUBSCRIPTIONS_PER_KEY: '4', WS_MAX_CONNECTIONS_PER_CLIENT: '5', RATE_LIMIT_COST_PER_MINUTE: '0' });
    const { url } = await t.app.listen(0, '127.0.0.1');
    httpUrl = url;
    wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
    planner = (await t.app.services.apiKey.create({ name: 'test live planner', roles: [Role.PLANNER, Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
    editor = (await t.app.services.apiKey.create({ name: 'test live editor', roles: [Role.EDITOR, Role.READER], areaCodes: [AREA] }, CLI_ACTOR)).secret;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t.close();
  });

  it('coverageChanged: the new figures after a write that changes them, nothing after one that does not', async () => {
    const client = connect({ authorization: `Bearer ${planner}` });
    const started = t.app.services.live.stats.started;
    const live = subscribe<CoverageEvent>(client, COVERAGE_CHANGED);
    for (const until = Date.now() + 5000; t.app.services.live.stats.started === started && Date.now() < until; ) await sleep(10); // its starting figures read
    // A township station some village has as its only point offering the item within 15 min on foot.
    const sole = await soleCoveringStation(t.db.dataSource, AREA, ITEM, (5000 / 60) * 15 / 1.3);
    const id = sole!.id;
    const { data: start } = await t.execute<CoverageEvent & { coverage: CoverageEvent['coverageChanged'] }>(
      `{ coverage(areaCode: "${AREA}", itemCode: "${ITEM}", mode: WALK) { coveredVillageCount } }`,
    );
    try {
      // A write that changes nothing of the figures (a phone number): silence.
      await postGraphQL(httpUrl, `mutation { updateServicePoint(id: "${id}", input: { phone: "0851-87220000" }) { id } }`, { key: editor });
      await sleep(400);
      expect(live.events).toEqual([]);
      // Closing the township station uncovers villages: one event with the new figures, at the new version.
      const closed = await postGraphQL(httpUrl, `mutation { closeServicePoint(id: "${id}") { id status } }`, { key: editor });
      expect(closed.body.errors).toBeUndefined();
      const [event] = await live.next(1);
      const { data: after } = await t.execute<{ coverage: { coveredVillageCount: number; provenance: { dataVersion: string } } }>(
        `{ coverage(areaCode: "${AREA}", itemCode: "${ITEM}", mode: WALK) { coveredVillageCount provenance { dataVersion } } }`,
      );
      expect(event!.coverageChanged.coveredVillageCount).toBe(after!.coverage.coveredVillageCount);
      expect(event!.coverageChanged.coveredVillageCount).toBeLessThan(start!.coverage.coveredVillageCount);
      expect(event!.coverageChanged.provenance).toEqual({ dataVersion: after!.coverage.provenance.dataVersion, travelModel: 'STRAIGHT_LINE' });
    } finally {
      await t.db.dataSource.query(`UPDATE service_point SET status = 'ACTIVE', phone = NULL WHERE id = $1`, [id]);
    }
    const [, reopened] = await live.next(2);
    expect(reopened!.coverageChanged.coveredVillageCount).toBe(start!.coverage.coveredVillageCount);
    live.dispose();
  });

  it('runs the committed subscription example (schema/examples.graphql) and passes its limits', async () => {
    const examples = fs.readFileSync(path.resolve(__dirname, '../../schema/examples.graphql'), 'utf8');
    const client = connect({ authorization: `Bearer ${planner}` });
    const events: unknown[] = [];
    let error: unknown = null;
    const started = t.app.services.live.stats.started;
    const dispose = client.subscribe({ query: examples, operationName: 'KaiyangCoverageLive' }, { next: (v) => events.push(v), error: (e) => (error = e), complete: () => undefined });
    for (const until = Date.now() + 5000; t.app.services.live.stats.started === started && !error && Date.now() < until; ) await sleep(10);
    await t.db.dataSource.query(`UPDATE village SET population = population + 7 WHERE code = '520121001001'`);
    try {
      const until = Date.now() + 3000;
      while (events.length === 0 && !error && Date.now() < until) await sleep(10);
      expect(error).toBeNull();
      expect(events[0]).toMatchObject({ data: { coverageChanged: { villageCount: 136, provenance: { travelModel: 'STRAIGHT_LINE' } } } });
    } finally {
      dispose();
      await t.db.dataSource.query(`UPDATE village SET population = population - 7 WHERE code = '520121001001'`);
    }
  });

  it('servicePointChanged: the point after each write in its area, not outside it', async () => {
    const client = connect({ 'X-API-Key': planner });
    const inKaiyang = subscribe<{ servicePointChanged: { id: string; name: string; status: string } }>(client, `subscription { servicePointChanged(areaCode: "${AREA}") { id name status } }`);
    const inSanming = subscribe<{ servicePointChanged: { id: string } }>(client, 'subscription { servicePointChanged(areaCode: "3504") { id } }');
    for (const until = Date.now() + 5000; t.app.services.live.open < 2 && Date.now() < until; ) await sleep(10);
    const r = await postGraphQL(httpUrl, 'mutation { updateServicePoint(id: "CH-520121", input: { openingHours: "Mon–Sat 8:30–17:30" }) { id } }', { key: editor });
    expect(r.body.errors).toBeUndefined();
    try {
      const [event] = await inKaiyang.next(1);
      expect(event!.servicePointChanged).toMatchObject({ id: 'CH-520121', status: 'ACTIVE' });
      await sleep(200);
      expect(inSanming.events).toEqual([]);
    } finally {
      await t.db.dataSource.query(`UPDATE service_point SET opening_hours = NULL WHERE id = 'CH-520121'`);
    }
  });

  it('checks keys and roles: a bad key closes the connection (4403), a key without PLANNER gets FORBIDDEN', async () => {
    const bad = connect({ authorization: `Bearer sc_${'A'.repeat(43)}` });
    const refused = subscribe(bad, COVERAGE_CHANGED);
    for (const until = Date.now() + 5000; refused.error === null && Date.now() < until; ) await sleep(10);
    expect((refused.error as { code?: number } | null)?.code).toBe(4403);
    const readerKey = (await t.app.services.apiKey.create({ name: 'test live reader', roles: [Role.READER], areaCodes: [] }, CLI_ACTOR)).secret;
    const reader = subscribe(connect({ authorization: `Bearer ${readerKey}` }), COVERAGE_CHANGED);
    for (const until = Date.now() + 5000; reader.error === null && Date.now() < until; ) await sleep(10);
    expect(JSON.stringify(reader.error)).toMatch(/FORBIDDEN/);
  });

  it('answers bad documents with the protocol\'s error message, and refuses queries over WebSocket', async () => {
    const client = connect({ authorization: `Bearer ${planner}` });
    for (const [query, pattern] of [
      ['subscription { coverageChanged(areaCode: "520121") { nope } }', /Cannot query field ..nope/],
      ['subscription {', /Syntax Error/],
      ['{ area(code: "520121") { name } }', /Only subscriptions run over WebSocket/],
      ['subscription { coverageChanged(areaCode: "x") { villageCount } }', /areaCode must be an official area code/],
      ['subscription { coverageChanged(areaCode: "999999") { villageCount } }', /not found/],
    ] as const) {
      const s = subscribe(client, query);
      for (const until = Date.now() + 5000; s.error === null && Date.now() < until; ) await sleep(10);
      expect([query, JSON.stringify(s.error)]).toEqual([query, expect.stringMatching(pattern)]);
    }
    // The server is fine after that.
    expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200);
  });

  it('limits subscriptions per connection and per key, and connections per client', async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose())); // the earlier tests' connections closed
    const open = async () => Number(/^graphql_ws_subscriptions (\d+)$/m.exec(await (await fetch(`${httpUrl}/metrics`)).text())?.[1]);
    for (const until = Date.now() + 5000; (await open()) > 0 && Date.now() < until; ) await sleep(50);
    expect(await open()).toBe(0);
    // A key of its own: its count starts at nothing, whatever the tests before left.
    const own = (await t.app.services.apiKey.create({ name: 'test live limits', roles: [Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    const one = connect({ authorization: `Bearer ${own}` });
    const subs = [1, 2, 3].map(() => subscribe(one, COVERAGE_CHANGED));
    const fourth = subscribe(one, COVERAGE_CHANGED);
    for (const until = Date.now() + 5000; fourth.error === null && Date.now() < until; ) await sleep(10);
    await sleep(200);
    expect(subs.map((s) => s.error)).toEqual([null, null, null]);
    expect(JSON.stringify(fourth.error)).toMatch(/WS_MAX_SUBSCRIPTIONS_PER_CONNECTION/);
    // The key holds 3; a second connection of the same key may open one more (4 per key), not two.
    const two = connect({ authorization: `Bearer ${own}` });
    const fifth = subscribe(two, COVERAGE_CHANGED);
    const sixth = subscribe(two, COVERAGE_CHANGED);
    for (const until = Date.now() + 5000; sixth.error === null && Date.now() < until; ) await sleep(10);
    await sleep(200);
    expect(fifth.error).toBeNull();
    expect(JSON.stringify(sixth.error)).toMatch(/WS_MAX_SUBSCRIPTIONS_PER_KEY/);
    [...subs, fifth].forEach((s) => s.dispose());
    await Promise.all([one.dispose(), two.dispose()]);

    // Sent all at once on one connection (the count must hold while each one's cost is read): exactly 3 pass.
    const other = (await t.app.services.apiKey.create({ name: 'test live burst', roles: [Role.PLANNER], areaCodes: [] }, CLI_ACTOR)).secret;
    const burst = connect({ authorization: `Bearer ${other}` });
    const six = [1, 2, 3, 4, 5, 6].map(() => subscribe(burst, COVERAGE_CHANGED));
    for (const until = Date.now() + 5000; six.filter((s) => s.error !== null).length < 3 && Date.now() < until; ) await sleep(10);
    await sleep(300);
    expect(six.filter((s) => s.error === null)).toHaveLength(3);
    six.forEach((s) => s.dispose());
    await burst.dispose();

    // Connections per client address: 5, the sixth is refused at the upgrade (HTTP 429).
    const sockets = await Promise.all(
      Array.from({ length: 5 }, () => new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      })),
    );
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
    });
    expect(status).toBe(429);
    sockets.forEach((s) => s.close());
  });
});

describe('WebSocket heartbeat (WS_HEARTBEAT_SECONDS = 1)', () => {
  it('closes a connection that stops answering pings, keeps one that answers', async () => {
    const t = await createTestApp({ WS_HEARTBEAT_SECONDS: '1' });
    const { url } = await t.app.listen(0, '127.0.0.1');
    const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(wsUrl, 'graphql-transport-ws');
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const connections = async () => Number(/^graphql_ws_connections (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    try {
      const [answering, silent] = await Promise.all([open(), open()]);
      answering.send(JSON.stringify({ type: 'connection_init' }));
      silent.send(JSON.stringify({ type: 'connection_init' }));
      await sleep(100);
      expect(await connections()).toBe(2);
      // The silent one stops reading (as a client whose network went away): its pongs never come.
      (silent as unknown as { _socket: { pause(): void } })._socket.pause();
      await sleep(3500);
      expect(await connections()).toBe(1);
      expect(answering.readyState).toBe(WebSocket.OPEN);
      answering.close();
      silent.terminate();
    } finally {
      await t.close();
    }
  });
});
