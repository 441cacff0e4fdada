import type { OgcCollectionSpec, OgcParameter, OgcSchema } from './ogc-collections';
import type { PageSizes } from './ogc-query.parse';

/** Conformance classes of OGC API - Features - Part 1: Core (OGC 17-069r4) this API implements. */
export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
] as const;

/** WGS-84 longitude, latitude: the one coordinate system of the API (and of the data). */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

export const MEDIA_TYPES = {
  json: 'application/json',
  geojson: 'application/geo+json',
  openapi: 'application/vnd.oai.openapi+json;version=3.0',
} as const;

type Json = Record<string, unknown>;

const ERROR_CODES: Readonly<Record<number, string>> = {
  400: 'A query parameter unknown to the operation, or malformed (BAD_USER_INPUT), or an answer over MAX_RESPONSE_BYTES (LIMIT_EXCEEDED).',
  401: 'No API key where the collection needs one (ANONYMOUS_ROLES lacks its role), or a key that is malformed, unknown or revoked (UNAUTHENTICATED).',
  403: 'The key lacks the role the collection needs (FORBIDDEN).',
  404: 'No such collection or feature (NOT_FOUND).',
  429: "The key's (or, without one, the client address's) rate-limit budget for the minute is spent (RATE_LIMITED); see Retry-After.",
  503: 'The database is unreachable (SERVICE_UNAVAILABLE) or the request ran out of REQUEST_DEADLINE_MS (DEADLINE_EXCEEDED).',
};

function schemaOf(s: OgcSchema): Json {
  const out: Json = { type: s.type };
  if (s.nullable) out.nullable = true;
  if (s.enum) out.enum = [...s.enum];
  if (s.pattern) out.pattern = s.pattern;
  if (s.minimum !== undefined) out.minimum = s.minimum;
  if (s.maximum !== undefined) out.maximum = s.maximum;
  if (s.maxLength !== undefined) out.maxLength = s.maxLength;
  if (s.format) out.format = s.format;
  if (s.items) out.items = schemaOf(s.items);
  if (s.example !== undefined) out.example = s.example;
  return out;
}

function queryParameter(p: OgcParameter): Json {
  return {
    name: p.name,
    in: 'query',
    required: false,
    description: p.description,
    schema: schemaOf(p.schema),
    // One value each (a list too: comma-separated in one string); QGIS takes such parameters as filters it may send.
    style: 'form',
    explode: false,
  };
}

const ref = (kind: 'parameters' | 'schemas' | 'responses' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

const errorResponses = (...statuses: number[]): Json => Object.fromEntries(statuses.map((s) => [String(s), ref('responses', `Error${s}`)]));

/** The `limit` parameter of a collection's items: its default and maximum (clients such as QGIS page by them). */
function limitParameter(sizes: PageSizes): Json {
  return {
    name: 'limit',
    in: 'query',
    required: false,
    description: `Features per page: 1 to ${sizes.maxLimit} (a larger value is taken as ${sizes.maxLimit}); default ${Math.min(sizes.defaultLimit, sizes.maxLimit)}. Further pages: follow the \`next\` link.`,
    style: 'form',
    explode: false,
    schema: { type: 'integer', minimum: 1, maximum: sizes.maxLimit, default: Math.min(sizes.defaultLimit, sizes.maxLimit) },
  };
}

/**
 * The OpenAPI 3.0 description of the API (served at /ogc/api), made from the collection registry: one path for each
 * collection, its items and its single feature, with the collection's own query parameters (so clients such as GDAL
 * see which properties they can filter on) and the schema of its features' properties. `base` is the absolute URL of
 * /ogc; `pageSizes` gives each collection's default and maximum `limit`.
 */
export function buildOpenApi(options: {
  base: string;
  collections: readonly OgcCollectionSpec[];
  pageSizes: (collection: OgcCollectionSpec) => PageSizes;
  /** The default and the largest `limit` over all collections. */
  defaultPageSizes: PageSizes;
  version: string;
}): Json {
  const { base, collections, pageSizes } = options;
  const paths: Record<string, Json> = {
    '/': {
      get: {
        tags: ['Capabilities'],
        operationId: 'getLandingPage',
        summary: 'Landing page: links to the API description, the conformance classes and the collections.',
        parameters: [ref('parameters', 'fJson')],
        responses: { '200': { description: 'The landing page.', content: { [MEDIA_TYPES.json]: { schema: ref('schemas', 'LandingPage') } } }, ...errorResponses(400, 401, 429, 503) },
      },
    },
    '/conformance': {
      get: {
        tags: ['Capabilities'],
        operationId: 'getConformance',
        summary: 'The conformance classes the API implements.',
        parameters: [ref('parameters', 'fJson')],
        responses: { '200': { description: 'The conformance classes.', content: { [MEDIA_TYPES.json]: { schema: ref('schemas', 'Conformance') } } }, ...errorResponses(400, 401, 429, 503) },
      },
    },
    '/api': {
      get: {
        tags: ['Capabilities'],
        operationId: 'getApiDescription',
        summary: 'This document.',
        parameters: [ref('parameters', 'fJson')],
        responses: { '200': { description: 'The OpenAPI 3.0 description.', content: { [MEDIA_TYPES.openapi]: { schema: { type: 'object' } } } }, ...errorResponses(400, 401, 429, 503) },
      },
    },
    '/collections': {
      get: {
        tags: ['Capabilities'],
        operationId: 'getCollections',
        summary: 'The collections the caller may read (by the roles of its key, or ANONYMOUS_ROLES without one).',
        parameters: [ref('parameters', 'fJson')],
        responses: { '200': { description: 'The collections.', content: { [MEDIA_TYPES.json]: { schema: ref('schemas', 'Collections') } } }, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
  };
  const schemas: Record<string, Json> = {
    Link: {
      type: 'object',
      required: ['href', 'rel'],
      properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
    },
    LandingPage: {
      type: 'object',
      required: ['links'],
      properties: { title: { type: 'string' }, description: { type: 'string' }, links: { type: 'array', items: ref('schemas', 'Link') } },
    },
    Conformance: { type: 'object', required: ['conformsTo'], properties: { conformsTo: { type: 'array', items: { type: 'string' } } } },
    Collection: {
      type: 'object',
      required: ['id', 'links'],
      properties: {
        id: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        links: { type: 'array', items: ref('schemas', 'Link') },
        extent: {
          type: 'object',
          properties: {
            spatial: {
              type: 'object',
              properties: {
                bbox: { type: 'array', items: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } } },
                crs: { type: 'string', enum: [CRS84] },
              },
            },
          },
        },
        itemType: { type: 'string', enum: ['feature'] },
        crs: { type: 'array', items: { type: 'string' } },
        dataVersion: { type: 'string' },
      },
    },
    Collections: {
      type: 'object',
      required: ['links', 'collections'],
      properties: { links: { type: 'array', items: ref('schemas', 'Link') }, collections: { type: 'array', items: ref('schemas', 'Collection') } },
    },
    Error: {
      type: 'object',
      required: ['errors'],
      description: 'As GraphQL reports errors: a message saying what is wrong and what is allowed, and a code.',
      properties: {
        errors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['message', 'extensions'],
            properties: { message: { type: 'string' }, extensions: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } },
          },
        },
      },
    },
  };

  for (const c of collections) {
    const sizes = pageSizes(c);
    const name = c.id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase());
    const required = Object.keys(c.properties);
    schemas[`${name}Properties`] = {
      type: 'object',
      required,
      properties: Object.fromEntries(Object.entries(c.properties).map(([key, s]) => [key, { ...schemaOf(s), description: s.description }])),
    };
    const geometry = ref('schemas', `${c.geometryType}Geometry`);
    schemas[`${name}Feature`] = {
      type: 'object',
      required: ['type', 'id', 'geometry', 'properties'],
      properties: {
        type: { type: 'string', enum: ['Feature'] },
        id: { type: 'string', pattern: c.featureId.pattern.source },
        geometry: c.geometryType === 'Point' ? geometry : { allOf: [geometry], nullable: true },
        properties: ref('schemas', `${name}Properties`),
        links: { type: 'array', items: ref('schemas', 'Link') },
      },
    };
    schemas[`${name}FeatureCollection`] = {
      type: 'object',
      required: ['type', 'features', 'links', 'timeStamp', 'numberMatched', 'numberReturned'],
      properties: {
        type: { type: 'string', enum: ['FeatureCollection'] },
        features: { type: 'array', items: ref('schemas', `${name}Feature`) },
        links: { type: 'array', items: ref('schemas', 'Link') },
        timeStamp: { type: 'string', format: 'date-time' },
        numberMatched: { type: 'integer', minimum: 0 },
        numberReturned: { type: 'integer', minimum: 0 },
        dataVersion: { type: 'string', description: 'The data version the answer was read at.' },
      },
    };
    const own = c.parameters.map(queryParameter);
    // A key in either header, or none (ANONYMOUS_ROLES).
    const security = [{ apiKeyHeader: [] }, { bearer: [] }, {}];
    const roleNote = `Needs the ${c.roles.join(' or ')} role (an API key holding it, or ANONYMOUS_ROLES).`;
    paths[`/collections/${c.id}`] = {
      get: {
        tags: [c.title],
        operationId: `describe${name}Collection`,
        summary: `The ${c.id} collection: its extent and links. ${roleNote}`,
        description: "Takes the collection's own query parameters too; its items link then carries them.",
        parameters: [ref('parameters', 'f'), ...own],
        security,
        responses: { '200': { description: 'The collection.', content: { [MEDIA_TYPES.json]: { schema: ref('schemas', 'Collection') } } }, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    };
    paths[`/collections/${c.id}/items`] = {
      get: {
        tags: [c.title],
        operationId: `get${name}Features`,
        summary: `${c.title}: a page of features. ${roleNote}`,
        description: c.description,
        parameters: [limitParameter(sizes), ref('parameters', 'bbox'), ref('parameters', 'datetime'), ref('parameters', 'cursor'), ref('parameters', 'f'), ...own],
        security,
        responses: {
          '200': {
            description: 'The features, with a `next` link while more match.',
            headers: { 'Data-Version': ref('headers', 'DataVersion') },
            content: { [MEDIA_TYPES.geojson]: { schema: ref('schemas', `${name}FeatureCollection`) } },
          },
          ...errorResponses(400, 401, 403, 404, 429, 503),
        },
      },
    };
    paths[`/collections/${c.id}/items/{featureId}`] = {
      get: {
        tags: [c.title],
        operationId: `get${name}Feature`,
        summary: `One feature of ${c.id}. ${roleNote}`,
        parameters: [
          { name: 'featureId', in: 'path', required: true, description: c.featureId.description, schema: { type: 'string', example: c.featureId.example } },
          ref('parameters', 'f'),
          ...own,
        ],
        security,
        responses: {
          '200': {
            description: 'The feature.',
            headers: { 'Data-Version': ref('headers', 'DataVersion') },
            content: { [MEDIA_TYPES.geojson]: { schema: ref('schemas', `${name}Feature`) } },
          },
          ...errorResponses(400, 401, 403, 404, 429, 503),
        },
      },
    };
  }

  schemas.PointGeometry = {
    type: 'object',
    required: ['type', 'coordinates'],
    description: 'GeoJSON Point, CRS84 (WGS-84 longitude, latitude).',
    properties: { type: { type: 'string', enum: ['Point'] }, coordinates: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } } },
  };
  schemas.MultiPolygonGeometry = {
    type: 'object',
    required: ['type', 'coordinates'],
    description: 'GeoJSON MultiPolygon, CRS84 (WGS-84 longitude, latitude); exterior rings counter-clockwise (RFC 7946).',
    properties: {
      type: { type: 'string', enum: ['MultiPolygon'] },
      coordinates: { type: 'array', items: { type: 'array', items: { type: 'array', minItems: 4, items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number' } } } } },
    },
  };

  return {
    openapi: '3.0.3',
    info: {
      title: 'Service Circle: OGC API - Features',
      version: options.version,
      description:
        "The 15-minute medical-insurance service circle's service points, villages, areas and coverage gaps as OGC API - Features (Part 1: Core; GeoJSON; CRS84). " +
        'The same data, keys, roles and rate-limit budget as the GraphQL API at /graphql. Village locations and populations in the seed data are synthetic.',
      license: { name: 'MIT' },
    },
    servers: [{ url: base }],
    tags: [{ name: 'Capabilities' }, ...collections.map((c) => ({ name: c.title, description: c.description }))],
    paths,
    components: {
      parameters: {
        // The largest page of any collection and the default (QGIS pages by these; a collection's own items operation
        // may allow fewer, and a larger limit is taken as its maximum).
        limit: limitParameter(options.defaultPageSizes),
        fJson: {
          name: 'f',
          in: 'query',
          required: false,
          description: 'The format: json (the only one). Without it, JSON too.',
          schema: { type: 'string', enum: ['json'] },
          style: 'form',
          explode: false,
        },
        f: {
          name: 'f',
          in: 'query',
          required: false,
          description: 'The format: json (GeoJSON for features). Without it, JSON too.',
          schema: { type: 'string', enum: ['json', 'geojson'] },
          style: 'form',
          explode: false,
        },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          description:
            'Only features whose geometry meets this box: min longitude, min latitude, max longitude, max latitude in CRS84 (with 6 numbers the 3rd and 6th, heights, are not looked at). Not across the antimeridian.',
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
          style: 'form',
          explode: false,
        },
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          description: 'An RFC 3339 date-time or interval; checked, then without effect: the features have no time (they are the data as it is now).',
          schema: { type: 'string' },
          style: 'form',
          explode: false,
        },
        cursor: {
          name: 'cursor',
          in: 'query',
          required: false,
          description: 'Where a page starts: opaque, from the `next` link of the page before.',
          schema: { type: 'string' },
          style: 'form',
          explode: false,
        },
      },
      headers: {
        DataVersion: { description: 'The data version the answer was read at (it changes with every write to the data).', schema: { type: 'string' } },
      },
      schemas,
      responses: Object.fromEntries(
        Object.entries(ERROR_CODES).map(([status, description]) => [`Error${status}`, { description, content: { [MEDIA_TYPES.json]: { schema: ref('schemas', 'Error') } } }]),
      ),
      securitySchemes: {
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (sc_…).' },
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer sc_….' },
      },
    },
  };
}
