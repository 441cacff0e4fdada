import { OGC_COLLECTIONS } from '../../../src/ogc/ogc-collections';
import { buildOpenApi, CONFORMANCE_CLASSES, MEDIA_TYPES } from '../../../src/ogc/ogc-openapi';

/**
 * The OpenAPI 3.0 description of /ogc, made from the collection registry, checked as an OpenAPI 3.0 validator would
 * check its structure (there is none among the dependencies): the document's shape, every $ref resolved, every
 * operation's parameters and responses well formed, path templates matched by path parameters, unique operation
 * ids; then against the registry: a path, items and feature operation per collection with each of its parameters
 * (GDAL takes query parameters named like a property as filters it may send), and limits as configured.
 */

type Json = Record<string, unknown>;

const doc = buildOpenApi({
  base: 'http://localhost:4000/ogc',
  collections: OGC_COLLECTIONS,
  pageSizes: (c) => ({ defaultLimit: 20, maxLimit: Math.min(500, c.maxLimit ?? 500) }),
  defaultPageSizes: { defaultLimit: 20, maxLimit: 500 },
  version: '1.0.0',
}) as Json;

/** The value at a local JSON pointer (#/a/b), or undefined. */
function resolve(pointer: string): unknown {
  expect(pointer.startsWith('#/')).toBe(true);
  return pointer
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

const deref = <T>(node: unknown): T => {
  const ref = (node as { $ref?: string }).$ref;
  return (ref ? resolve(ref) : node) as T;
};

/** Every object in the document with the path to it. */
function* walk(node: unknown, path = '#'): Generator<[string, Json]> {
  if (!node || typeof node !== 'object') return;
  if (!Array.isArray(node)) yield [path, node as Json];
  for (const [key, child] of Object.entries(node)) yield* walk(child, `${path}/${key}`);
}

const SCHEMA_TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object'];
const PARAMETER_LOCATIONS = ['query', 'path', 'header', 'cookie'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('the OpenAPI 3.0 description', () => {
  it('is an OpenAPI 3.0 document with info, servers, paths and components', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    const info = doc.info as Json;
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    expect(doc.servers).toEqual([{ url: 'http://localhost:4000/ogc' }]);
    for (const key of Object.keys(doc)) expect(['openapi', 'info', 'servers', 'paths', 'components', 'tags', 'security', 'externalDocs']).toContain(key);
    for (const key of Object.keys(doc.components as Json)) {
      expect(['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks']).toContain(key);
    }
    // Serialisable as JSON, as served.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('resolves every $ref, and nothing beside a $ref', () => {
    let refs = 0;
    for (const [path, node] of walk(doc)) {
      if (typeof node.$ref !== 'string') continue;
      refs++;
      expect({ path, keys: Object.keys(node) }).toEqual({ path, keys: ['$ref'] });
      expect({ path, target: resolve(node.$ref) === undefined }).toEqual({ path, target: false });
    }
    expect(refs).toBeGreaterThan(50);
  });

  it('has well-formed schemas: known types, items on arrays, properties listed as required exist', () => {
    const schemas = doc.components as { schemas: Record<string, Json> };
    for (const [path, node] of walk(schemas.schemas, '#/components/schemas')) {
      if (path.endsWith('/properties') || path.endsWith('/example')) continue;
      if (node.type !== undefined) {
        expect({ path, type: SCHEMA_TYPES.includes(node.type as string) }).toEqual({ path, type: true });
        if (node.type === 'array') expect({ path, items: node.items !== undefined }).toEqual({ path, items: true });
      }
      if (Array.isArray(node.required) && node.properties) {
        for (const r of node.required as string[]) expect({ path, r, has: r in (node.properties as Json) }).toEqual({ path, r, has: true });
      }
      if (node.nullable !== undefined) expect(typeof node.nullable).toBe('boolean');
    }
  });

  it('has well-formed operations: unique ids, parameters with name, place and schema, path templates matched, responses described', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(METHODS).toContain(method);
        const operation = op as { operationId: string; parameters: unknown[]; responses: Record<string, unknown> };
        expect(ids.has(operation.operationId)).toBe(false);
        ids.add(operation.operationId);
        const params = operation.parameters.map((p) => deref<Json>(p));
        const seen = new Set<string>();
        for (const p of params) {
          expect(typeof p.name).toBe('string');
          expect(PARAMETER_LOCATIONS).toContain(p.in);
          expect(p.schema).toBeDefined();
          const key = `${String(p.in)}:${String(p.name)}`;
          expect({ path, duplicate: seen.has(key) ? key : null }).toEqual({ path, duplicate: null });
          seen.add(key);
          if (p.in === 'path') expect(p.required).toBe(true);
        }
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        expect(params.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(templated);
        expect(Object.keys(operation.responses)).toContain('200');
        for (const [status, r] of Object.entries(operation.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(typeof deref<Json>(r).description).toBe('string');
        }
      }
    }
  });

  it('gives the largest page and the default as #/components/parameters/limit (where QGIS looks for them)', () => {
    const limit = resolve('#/components/parameters/limit') as { name: string; in: string; schema: Json };
    expect(limit).toEqual(expect.objectContaining({ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 20 } }));
  });

  it('declares every collection parameter as one form value (style form, explode false), as QGIS takes simple filters', () => {
    const paths = doc.paths as Record<string, { get: { parameters: unknown[] } }>;
    for (const c of OGC_COLLECTIONS) {
      for (const p of paths[`/collections/${c.id}/items`]!.get.parameters.map((x) => deref<Json>(x))) {
        expect({ name: p.name, style: p.style, explode: p.explode }).toEqual({ name: p.name, style: 'form', explode: false });
        expect(['string', 'number', 'integer', 'array']).toContain((p.schema as Json).type);
      }
    }
  });

  it('has the paths OGC API Features Core needs, with the media types clients ask for', () => {
    const paths = doc.paths as Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    for (const p of ['/', '/conformance', '/api', '/collections']) expect(paths[p]).toBeDefined();
    expect(Object.keys(paths['/api']!.get.responses['200']!.content!)).toEqual([MEDIA_TYPES.openapi]);
    expect(CONFORMANCE_CLASSES).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30');
  });

  it.each(OGC_COLLECTIONS.map((c) => [c.id, c] as const))('describes %s from the registry: its paths, parameters, limit and feature schema', (id, c) => {
    const paths = doc.paths as Record<string, { get: { parameters: unknown[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }>;
    const collection = paths[`/collections/${id}`]!;
    const items = paths[`/collections/${id}/items`]!;
    const feature = paths[`/collections/${id}/items/{featureId}`]!;
    for (const op of [collection, items, feature]) expect(op).toBeDefined();

    const names = (op: typeof items) => op.get.parameters.map((p) => deref<Json>(p).name);
    const own = c.parameters.map((p) => p.name);
    expect(names(items)).toEqual(['limit', 'bbox', 'datetime', 'cursor', 'f', ...own]);
    expect(names(collection)).toEqual(['f', ...own]);
    expect(names(feature)).toEqual(['featureId', 'f', ...own]);

    const limit = deref<{ schema: { minimum: number; maximum: number; default: number } }>(items.get.parameters[0]);
    expect(limit.schema).toEqual({ type: 'integer', minimum: 1, maximum: Math.min(500, c.maxLimit ?? 500), default: Math.min(20, c.maxLimit ?? 500) });

    const fc = deref<{ required: string[]; properties: { features: { items: unknown } } }>(items.get.responses['200']!.content![MEDIA_TYPES.geojson]!.schema);
    expect(fc.required).toEqual(['type', 'features', 'links', 'timeStamp', 'numberMatched', 'numberReturned']);
    const featureSchema = deref<{ properties: { properties: unknown } }>(fc.properties.features.items);
    const properties = deref<{ properties: Record<string, Json>; required: string[] }>(featureSchema.properties.properties);
    expect(Object.keys(properties.properties)).toEqual(Object.keys(c.properties));
    expect(properties.required).toEqual(Object.keys(c.properties));
    for (const s of Object.values(properties.properties)) expect(typeof s.description).toBe('string');
  });
});
