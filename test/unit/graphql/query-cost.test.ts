import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getIntrospectionQuery, graphqlSync, isInputObjectType, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createSilentLogger } from '../../../src/common/logger';
import { loadConfig } from '../../../src/config/config';
import { createContainer, createServices } from '../../../src/app/container';
import { AreaSizes } from '../../../src/common/area-sizes';
import { pagedTypes, queryCost, SIZED_LISTS, type CostInputs, type CostModel } from '../../../src/graphql/plugins/query-cost';
import type { Repositories } from '../../../src/app/repositories';
import { buildAppSchema } from '../../../src/app/schema';

const MODEL: CostModel = { defaultPageSize: 20, maxPageSize: 500, listSize: 10 };

describe('queryCost on a small schema', () => {
  const schema = buildSchema(`
    type Query { thing(id: ID!): Thing things(first: Int): ThingConnection! all: [Thing!]! names: [String!]! }
    type ThingConnection { totalCount: Int! edges: [ThingEdge!]! }
    type ThingEdge { cursor: String! node: Thing! }
    type Thing { id: ID! name: String! parent: Thing children: [Thing!]! }
  `);
  const cost = (query: string, variables?: Record<string, unknown>, model = MODEL) => queryCost(schema, parse(query), { model, variables });

  it('charges 1 per object and nothing for scalars', () => {
    expect(cost('{ thing(id: 1) { id name } }')).toBe(1);
    expect(cost('{ thing(id: 1) { id parent { name parent { id } } } }')).toBe(3);
    expect(cost('{ names }')).toBe(0);
  });

  it('multiplies a page by `first`, the default page when it is left out, and at most the largest page', () => {
    expect(cost('{ things(first: 5) { edges { node { id parent { id } } } } }')).toBe(1 + 5 * 3);
    expect(cost('{ things { edges { node { id } } } }')).toBe(1 + 20 * 2);
    expect(cost('{ things(first: 100000) { edges { node { id } } } }')).toBe(1 + 500 * 2);
    expect(cost('{ things(first: -3) { edges { node { id } } } }')).toBe(1);
    expect(cost('query ($n: Int) { things(first: $n) { totalCount edges { node { id } } } }', { n: 7 })).toBe(1 + 7 * 2);
  });

  it('counts the list inside a page once (the page is its length), other lists as listSize items', () => {
    expect(pagedTypes(schema)).toEqual(new Set(['ThingConnection']));
    expect(cost('{ all { id } }')).toBe(1 + 10 * 0);
    expect(cost('{ all { parent { id } } }')).toBe(1 + 10 * 1);
    expect(cost('{ all { children { parent { id } } } }')).toBe(1 + 10 * (1 + 10 * 1));
    expect(cost('{ all { parent { id } } }', undefined, { ...MODEL, listSize: 3 })).toBe(4);
  });

  it('follows fragments and leaves out what @skip/@include leave out', () => {
    expect(cost('{ thing(id: 1) { ...F } } fragment F on Thing { parent { id } }')).toBe(2);
    expect(cost('query ($p: Boolean!) { thing(id: 1) { parent @include(if: $p) { id } } }', { p: false })).toBe(1);
    expect(cost('query ($p: Boolean!) { thing(id: 1) { parent @include(if: $p) { id } } }', { p: true })).toBe(2);
  });

  it('costs introspection the objects its answer holds (counted by running it: every JSON object but `data`)', () => {
    const objects = (query: string): number => {
      const result = graphqlSync({ schema, source: query });
      expect(result.errors).toBeUndefined();
      let n = -1; // `data` itself
      const visit = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === 'object') {
          n++;
          Object.values(v).forEach(visit);
        }
      };
      visit(result.data);
      return n;
    };
    const graphiql = getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true });
    expect(cost(graphiql)).toBe(objects(graphiql));
    expect(objects(graphiql)).toBeGreaterThan(50);
    const recursive = '{ __schema { types { fields { type { name ofType { fields { type { ofType { name } } } } } } } } }';
    expect(cost(recursive)).toBe(objects(recursive));
    const two = '{ a: __schema { types { name } } b: __schema { queryType { fields { name } } } }';
    expect(cost(two)).toBe(objects(two));
    const type = '{ __type(name: "Thing") { fields { name args { name } type { kind ofType { name } } } } thing(id: 1) { __typename parent { id } } }';
    expect(cost(type)).toBe(objects('{ __type(name: "Thing") { fields { name args { name } type { kind ofType { name } } } } }') + 2);
  });

  it('throws when the variables do not fit (execution would refuse them too)', () => {
    expect(() => cost('query ($n: Int!) { things(first: $n) { totalCount } }', {})).toThrow(/\$n/);
  });
});

/**
 * Sizes of a small made-up country: Kaiyang (520121) with two townships of 9 and 127 villages, 30 points (one village
 * with 2), 2,000 km²; Sanming (3504) with one county of 3 townships, 1,964 villages, 2,100 points (2,000 active) on
 * 22,900 km².
 */
const SIZES = AreaSizes.fromCounts({
  villagesByTownship: [
    { code: '520121001', n: 9 },
    { code: '520121002', n: 127 },
    { code: '350402001', n: 600 },
    { code: '350402002', n: 700 },
    { code: '350402003', n: 664 },
  ],
  pointsByHome: [
    { code: '520121', n: 27, active: 27 },
    { code: '520121001', n: 1, active: 1 },
    { code: '520121001001', n: 2, active: 1 },
    { code: '350402', n: 2100, active: 2000 },
  ],
  childrenByParent: [
    { code: '', n: 2 },
    { code: '52', n: 1 },
    { code: '5201', n: 1 },
    { code: '520121', n: 2 },
    { code: '35', n: 1 },
    { code: '3504', n: 1 },
    { code: '350402', n: 3 },
  ],
  countyKm2: [
    { code: '520121', km2: 2000 },
    { code: '350402', km2: 22_900 },
  ],
  items: 24,
  apiKeys: 3,
});

describe('queryCost on the API schema', () => {
  let schema: GraphQLSchema;
  const radiusMeters: CostInputs['radiusMeters'] = (mode, minutes) => {
    const kmh = ({ WALK: 5, BICYCLE: 12, EBIKE: 20, CAR: 30 } as Record<string, number>)[String(mode ?? 'EBIKE')]!;
    return ((kmh * 1000) / 60) * (typeof minutes === 'number' ? minutes : 15) / 1.3;
  };
  const cost = (query: string, operationName?: string, variables?: Record<string, unknown>) =>
    queryCost(schema, parse(query), { model: MODEL, operationName, variables, inputs: { sizes: SIZES, radiusMeters } });

  beforeAll(async () => {
    schema = await buildAppSchema(createContainer(createServices({} as Repositories, loadConfig({}), createSilentLogger())));
  });

  it('keeps every committed example far under the default MAX_QUERY_COST (5,000)', () => {
    const examples = fs.readFileSync(path.resolve(__dirname, '../../../schema/examples.graphql'), 'utf8');
    const names = parse(examples)
      .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
      .map((d) => d.name!.value);
    const costs = Object.fromEntries(names.map((name) => [name, cost(examples, name)]));
    expect(costs).toEqual({
      KaiyangOverview: 23,
      SanmingCounties: 22, // its 1 county in the made-up sizes: 1 + children (1 + 1 × boundary 20)
      LargeVillagesOfShuangliu: 201,
      PointsNearKaiyangSeat: 41,
      KaiyangDirectoryFirstPage: 601,
      KaiyangDirectoryNextPage: 601,
      VillageLevelItems: 1,
      KaiyangCoverageLive: 50 + 1, // a coverage reading and its provenance
    });
  });

  it('prices the map page’s heaviest query (500 villages of a coverage with its polygon) at about half the limit', () => {
    const query = `{ coverage(areaCode: "3504") {
      villageCount polygonAreaKm2 polygon area { code name } provenance { radiusMeters description }
      villages(first: 500) { pageInfo { hasNextPage endCursor }
        edges { node { covered travelMinutes village { code name population } nearestServicePoint { name } } } } } }`;
    // coverage 50 + polygonAreaKm2 100 + polygon 100 + area 1 + provenance 1
    // + villages: 1 + 500 × (pageInfo 1 + edges (1 + node (1 + village 1 + nearestServicePoint 1)))
    expect(cost(query)).toBe(50 + 100 + 100 + 1 + 1 + (1 + 500 * (1 + (1 + (1 + 1 + 1)))));
    expect(cost(query)).toBe(2753);
  });

  it('adds the expensive fields’ own costs: coverage 50, polygons 100, feature collections 1 per feature they can hold', () => {
    expect(cost('{ coverage(areaCode: "520121") { villageCount } }')).toBe(50);
    // Kaiyang's villages: 136, so its villages' collection costs 1 + 136; Sanming's 1 + 1,964.
    expect(cost('{ coverage(areaCode: "520121") { polygon polygonFeature polygonAreaKm2 villagesFeatureCollection } }')).toBe(50 + 300 + 1 + 136);
    expect(cost('query ($a: ID!) { coverage(areaCode: $a) { ...F } } fragment F on Coverage { villagesFeatureCollection }', undefined, { a: '3504' })).toBe(50 + 1 + 1964);
    expect(cost('{ a: coverage(areaCode: "520121") { villagesFeatureCollection } b: coverage(areaCode: "3504") { villagesFeatureCollection } }')).toBe(50 + 137 + 50 + 1965);
    expect(cost('{ coverageGaps(areaCode: "520121", first: 10) { villages { village { code } } } }')).toBe(50 + 10 * 2);
    // Points of any status: 2,130 in all, 30 in Kaiyang.
    expect(cost('{ servicePointsFeatureCollection }')).toBe(1 + 2130);
    expect(cost('{ servicePointsFeatureCollection(filter: { areaCode: "520121" }) }')).toBe(1 + 30);
    expect(cost('{ a: servicePointsFeatureCollection b: servicePointsFeatureCollection }')).toBe(2 * 2131);
    // A boundary 20, for the area and each child it has (Sanming: 1 county; Kaiyang: 2 townships).
    expect(cost('{ area(code: "3504") { boundaryFeatureCollection } }')).toBe(1 + 20 * 2);
    expect(cost('{ area(code: "520121") { boundaryFeatureCollection } }')).toBe(1 + 20 * 3);
  });

  it('counts lists by the items they can hold: the catalogue, an area’s children and townships, a village’s points', () => {
    expect(cost('{ delegationMatrix(areaCode: "3504") { rows { item { code } } } }')).toBe(500 + 1 + 24 * 1);
    expect(cost('{ serviceItems { code } }')).toBe(1);
    expect(cost('{ servicePoint(id: "CH-520121") { items { code } } }')).toBe(1 + 1 + 24 * 0);
    expect(cost('{ area(code: "520121") { children { boundary } } }')).toBe(1 + 1 + 2 * 20);
    // Children of children: the most children any area has (3 here).
    expect(cost('{ area(code: "52") { children { children { boundary } } } }')).toBe(1 + (1 + 1 * (1 + 3 * 20)));
    expect(cost('{ coverage(areaCode: "3504") { byTownship { township { code } } } }')).toBe(50 + 1 + 3 * 1);
    expect(cost('{ village(code: "520121001001") { servicePoints { area { code } } } }')).toBe(1 + 1 + 2 * 1);
    expect(cost('{ apiKeys { id } }')).toBe(1);
  });

  it('prices the PostGIS reference by its estimated work: 50 + 1 per millisecond of server time', () => {
    // Kaiyang by e-bike, 15 min: r = 3,846 m; 28 active points on 2,000 km² → 0.65 candidates per village, so 1 each.
    expect(cost('{ coverage(areaCode: "520121", method: POSTGIS) { villageCount } }')).toBe(50 + Math.ceil((136 * 1 * 9 + 136 * 30) / 1000));
    // Sanming by car, 60 min: r = 23,077 m; 2,000 active points on 22,900 km² → 146.1 candidates per village.
    const pairs = 1964 * ((2000 / 22_900) * Math.PI * 23.076923076923077 ** 2);
    expect(cost('{ coverage(areaCode: "3504", method: POSTGIS, mode: CAR, minutes: 60) { villageCount } }')).toBe(50 + Math.ceil((pairs * 9 + 1964 * 30) / 1000));
    expect(cost('{ coverage(areaCode: "3504", method: POSTGIS, mode: CAR, minutes: 120) { villageCount } }')).toBeGreaterThan(5000);
  });

  it("lets GraphiQL's introspection query pass, and not several at once", () => {
    const introspection = cost(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }));
    expect(introspection).toBeGreaterThan(500);
    expect(introspection).toBeLessThan(5000 / 2);
    // Five aliased copies of it (its fragments shared) cost five times as much: over MAX_QUERY_COST.
    const full = getIntrospectionQuery();
    const body = full.slice(full.indexOf('__schema {'), full.indexOf('\n    }\n\n    fragment'));
    const five = full.replace(body, [1, 2, 3, 4, 5].map((i) => `s${i}: ${body}`).join('\n'));
    expect(cost(five)).toBe(5 * cost(getIntrospectionQuery()));
    expect(cost(five)).toBeGreaterThan(5000);
  });

  it('has a size for every list of objects that takes no `first` (a new list is priced on purpose)', () => {
    const paged = pagedTypes(schema);
    const lists: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      // Output types only: an input's lists are what the client sends, not what the server fetches.
      if (type.name.startsWith('__') || !('getFields' in type) || isInputObjectType(type) || paged.has(type.name)) continue;
      for (const field of Object.values(type.getFields())) {
        const named = field.type.toString().replace(/[[\]!]/g, '');
        const isList = field.type.toString().includes('[');
        const composite = schema.getType(named) && 'getFields' in schema.getType(named)!;
        const paging = 'args' in field && (field.args as readonly { name: string }[]).some((a) => a.name === 'first');
        if (isList && composite && !paging) lists.push(`${type.name}.${field.name}`);
      }
    }
    expect(lists.filter((l) => !SIZED_LISTS[l] && l !== 'Query.areas').sort()).toEqual([]);
  });

  it('counts areas(level) at national size and areas(parentCode) as 30 children', () => {
    expect(cost('{ areas(level: TOWNSHIP) { code } }')).toBe(1);
    expect(cost('{ areas(level: TOWNSHIP) { parent { code } } }')).toBe(1 + 39_000 * 1);
    expect(cost('{ areas(level: COUNTY) { boundary } }')).toBe(1 + 2900 * 20);
    expect(cost('{ areas(parentCode: "3504") { boundary } }')).toBe(1 + 30 * 20);
    expect(cost('{ areas { parent { code } } }')).toBe(1 + 34);
  });
});
