import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import type { Geometry } from 'geojson';
import { BadInputError } from '../../common/errors';
import { validateGeometry } from '../../geo/validate-geometry';

function literalToJs(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.LIST:
      return ast.values.map(literalToJs);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJs(f.value)]));
    default:
      return null;
  }
}

function parseGeometry(value: unknown): Geometry {
  const problem = validateGeometry(value);
  if (problem) throw new BadInputError(`Invalid GeoJSON geometry: ${problem}`);
  return value as Geometry;
}

/**
 * An RFC 7946 geometry object (WGS-84 longitude/latitude). Output is passed through as PostGIS produced it;
 * input is checked (type, nesting, finite coordinates in range, closed rings) before any resolver sees it.
 */
export const GeoJSONScalar = new GraphQLScalarType<Geometry, unknown>({
  name: 'GeoJSON',
  description: 'An RFC 7946 GeoJSON object, [longitude, latitude] in WGS-84 unless a `crs` argument says otherwise. Inputs are geometry objects; outputs are geometries, Features or FeatureCollections as each field says.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc7946',
  serialize: (value) => value,
  parseValue: parseGeometry,
  parseLiteral: (ast) => parseGeometry(literalToJs(ast)),
});
