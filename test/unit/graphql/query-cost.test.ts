import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getIntrospectionQuery, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createSilentLogger } from '../../../src/common/logger';
import { loadConfig } from '../../../src/config/config';
import { createContainer, createServices } from '../../../src/graphql/container';
import { pagedTypes, queryCost, type CostModel } from '../../../src/graphql/plugins/query-cost';
import type { Repositories } from '../../../src/graphql/repositories';
import { buildAppSchema } from '../../../src/graphql/schema';

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

  it("costs introspection 1, whatever it selects (GraphiQL's query has many nested lists)", () => {
    expect(cost(getIntrospectionQuery({ inputValueDeprecation: true, schemaDescription: true }))).toBe(1);
    expect(cost('{ __type(name: "Thing") { fields { name type { ofType { name } } } } thing(id: 1) { __typename parent { id } } }')).toBe(1 + 2);
  });

  it('throws when the variables do not fit (execution would refuse them too)', () => {
    expect(() => cost('query ($n: Int!) { things(first: $n) { totalCount } }', {})).toThrow(/\$n/);
  });
});

describe('queryCost on the API schema', () => {
  let schema: GraphQLSchema;
  const cost = (query: string, operationName?: string) => queryCost(schema, parse(query), { model: MODEL, operationName });

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
      SanmingCounties: 202,
      LargeVillagesOfShuangliu: 201,
      PointsNearKaiyangSeat: 41,
      KaiyangDirectoryFirstPage: 601,
      KaiyangDirectoryNextPage: 601,
      VillageLevelItems: 1,
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

  it('adds the expensive fields’ own costs: coverage 50 (POSTGIS 500), polygons 100, feature collections', () => {
    expect(cost('{ coverage(areaCode: "520121") { villageCount } }')).toBe(50);
    expect(cost('{ coverage(areaCode: "520121", method: POSTGIS) { villageCount } }')).toBe(500);
    expect(cost('{ coverage(areaCode: "520121") { polygon polygonFeature polygonAreaKm2 villagesFeatureCollection } }')).toBe(450);
    expect(cost('{ coverageGaps(areaCode: "520121", first: 10) { villages { village { code } } } }')).toBe(50 + 10 * 2);
    expect(cost('{ delegationMatrix(areaCode: "3504") { rows { delegationLevel } } }')).toBe(500 + 1 + 10 * 0);
    expect(cost('{ servicePointsFeatureCollection }')).toBe(200);
    expect(cost('{ area(code: "3504") { boundary children { boundary } } }')).toBe(1 + 20 + (1 + 10 * 20));
    expect(cost('{ area(code: "3504") { boundaryFeatureCollection } }')).toBe(1 + 50);
  });

  it('counts areas(level) at national size and areas(parentCode) as 30 children', () => {
    expect(cost('{ areas(level: TOWNSHIP) { code } }')).toBe(1);
    expect(cost('{ areas(level: TOWNSHIP) { parent { code } } }')).toBe(1 + 39_000 * 1);
    expect(cost('{ areas(level: COUNTY) { boundary } }')).toBe(1 + 2900 * 20);
    expect(cost('{ areas(parentCode: "3504") { boundary } }')).toBe(1 + 30 * 20);
    expect(cost('{ areas { parent { code } } }')).toBe(1 + 34);
  });
});
