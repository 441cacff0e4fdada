import type { Feature } from 'geojson';

// Decoders (dev dependencies without type declarations).
export interface DecodedFeature {
  id?: number;
  type: number;
  properties: Record<string, string | number | boolean>;
  toGeoJSON(x: number, y: number, z: number): Feature;
}
export interface DecodedLayer {
  name: string;
  extent: number;
  version: number;
  length: number;
  feature(i: number): DecodedFeature;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no type declarations to import it by
const { VectorTile } = require('@mapbox/vector-tile') as { VectorTile: new (pbf: unknown) => { layers: Record<string, DecodedLayer> } };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no type declarations to import it by
const Pbf = require('pbf') as new (buf: Uint8Array) => unknown;

/** The layers of a Mapbox Vector Tile, decoded by @mapbox/vector-tile. */
export function decodeTile(buf: Uint8Array): Record<string, DecodedLayer> {
  return new VectorTile(new Pbf(buf)).layers;
}
