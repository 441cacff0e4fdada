import { postGraphQL } from '../helpers/graphql-http';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * With introspection off (NODE_ENV=production's default) no error may suggest schema names (Hardening, item 5:
 * "Did you mean ADMIN"): graphql-js suggests them on every path below, graphql-armor's blockFieldSuggestion masks
 * only some. Each probe runs over real HTTP against an app with INTROSPECTION=false, and once with it on to show
 * the probe really reaches a path that suggests.
 */

interface Probe {
  what: string;
  query: string;
  variables?: Record<string, unknown>;
  /** What the message must still say (the client's mistake). */
  says: RegExp;
  /** The schema name graphql-js would suggest. */
  suggestion: string;
}

const PROBES: Probe[] = [
  {
    what: 'a variable with a wrong enum value',
    query: 'mutation($r: [Role!]!) { createApiKey(input: { name: "x", roles: $r }) { secret } }',
    variables: { r: ['ADMN'] },
    says: /"ADMN" does not exist in "Role" enum/,
    suggestion: 'ADMIN',
  },
  {
    what: 'an input-object variable with a wrong enum value',
    query: 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }',
    variables: { i: { name: 'x', roles: ['EDITR'] } },
    says: /"EDITR" does not exist in "Role" enum/,
    suggestion: 'EDITOR',
  },
  { what: 'a literal enum value in a list', query: 'mutation { createApiKey(input: { name: "x", roles: [ADMN] }) { secret } }', says: /ADMN/, suggestion: 'ADMIN' },
  { what: 'a literal enum argument', query: '{ areas(level: COUNT) { code } }', says: /COUNT/, suggestion: 'COUNTY' },
  { what: 'an unknown argument', query: '{ servicePoints(firs: 1) { totalCount } }', says: /Unknown argument "firs"/, suggestion: 'first' },
  {
    what: 'an unknown type in a variable definition',
    query: 'query($f: ServicePointFiltr) { servicePoints(filter: $f) { totalCount } }',
    says: /Unknown type "ServicePointFiltr"/,
    suggestion: 'ServicePointFilter',
  },
  { what: 'an unknown field', query: '{ area(code: "520121") { nme } }', says: /Cannot query field "nme"/, suggestion: 'name' },
  { what: 'an unknown input field (literal)', query: '{ servicePoints(filter: { areaCod: "520121" }) { totalCount } }', says: /"areaCod" is not defined/, suggestion: 'areaCode' },
  {
    what: 'an unknown input field (variable)',
    query: 'query($f: ServicePointFilter) { servicePoints(filter: $f) { totalCount } }',
    variables: { f: { areaCod: '520121' } },
    says: /"areaCod" is not defined/,
    suggestion: 'areaCode',
  },
  { what: 'a fragment on an unknown type', query: '{ area(code: "520121") { ... on Are { code } } }', says: /Unknown type "Are"/, suggestion: 'Area' },
  { what: 'an unknown directive argument', query: '{ area(code: "520121") { code @include(iff: true) } }', says: /Unknown argument "iff"/, suggestion: 'if' },
];

const messagesOf = (body: { errors?: { message: string; extensions?: { code?: string } }[] }) => (body.errors ?? []).map((e) => e.message);

describe('no schema suggestions with introspection off (e2e)', () => {
  let off: TestApp;
  let on: TestApp;
  let offUrl: string;
  let onUrl: string;

  beforeAll(async () => {
    off = await createTestApp({ INTROSPECTION: 'false' });
    ({ url: offUrl } = await off.app.listen(0, '127.0.0.1'));
    on = await createTestApp({ INTROSPECTION: 'true' });
    ({ url: onUrl } = await on.app.listen(0, '127.0.0.1'));
  });
  afterAll(async () => {
    await off?.close();
    await on?.close();
  });

  it.each(PROBES.map((p) => [p.what, p] as const))('%s: no "Did you mean", the mistake is still named', async (_what, probe) => {
    const res = await postGraphQL(offUrl, probe.query, { variables: probe.variables });
    expect(res.status).toBeLessThan(500);
    const messages = messagesOf(res.body);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      expect(message).not.toMatch(/did you mean|suggestion hidden/i);
      expect(message).not.toMatch(/\s$|\?\s*$/); // no dangling remains of a removed sentence
    }
    // The error about the mistake names it, and not what graphql-js would have suggested instead.
    const about = messages.filter((m) => probe.says.test(m));
    expect(about).toHaveLength(1);
    expect(about[0]).not.toContain(`"${probe.suggestion}"`);
    for (const e of res.body.errors!) expect(['GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']).toContain(e.extensions?.code);
  });

  it.each(PROBES.map((p) => [p.what, p] as const))('%s: with introspection on, graphql-js does suggest (the probe reaches that path)', async (_what, probe) => {
    const res = await postGraphQL(onUrl, probe.query, { variables: probe.variables });
    expect(messagesOf(res.body).join(' ')).toMatch(new RegExp(`Did you mean .*"${probe.suggestion}"`));
  });
});
