import { brotliDecompressSync } from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import type { MultiPolygon, Position } from 'geojson';

/**
 * Reads seeds/division/<province>.json.br (scripts/lib/division.mjs writes and reads it; this is the same decoding,
 * for tests in TypeScript): every city, county, township and village of a province, county boundaries.
 */

export const DIVISION_DIR = path.join(__dirname, '..', '..', 'seeds', 'division');

interface DivisionDoc {
  format: string;
  province: { code: string; name: string };
  cities: { code: string; name: string }[];
  counties: { code: string; name: string; cityCode: string; seat: [number, number]; boundary: { kind: string; note: string | null }; rings: number[][][] }[];
  townships: [string, string, string[]][];
}

export interface Division {
  province: { code: string; name: string };
  cities: { code: string; name: string }[];
  counties: { code: string; name: string; cityCode: string; boundaryKind: string; seat: Position; boundary: () => MultiPolygon }[];
  townships: { code: string; name: string }[];
  villages: { code: string; name: string }[];
}

export function provinceCodes(): string[] {
  return fs
    .readdirSync(DIVISION_DIR)
    .map((f) => /^(\d{2})\.json\.br$/.exec(f)?.[1])
    .filter((c): c is string => !!c)
    .sort();
}

export function readDivision(provinceCode: string): Division {
  const doc = JSON.parse(brotliDecompressSync(fs.readFileSync(path.join(DIVISION_DIR, `${provinceCode}.json.br`))).toString('utf8')) as DivisionDoc;
  return {
    province: doc.province,
    cities: doc.cities,
    counties: doc.counties.map((c) => ({
      code: c.code,
      name: c.name,
      cityCode: c.cityCode,
      boundaryKind: c.boundary.kind,
      seat: [c.seat[0] / 1e6, c.seat[1] / 1e6],
      boundary: () => ({
        type: 'MultiPolygon',
        coordinates: c.rings.map((poly) =>
          poly.map((enc) => {
            const ring: Position[] = [];
            let x = 0;
            let y = 0;
            for (let i = 0; i < enc.length; i += 2) {
              x += enc[i]!;
              y += enc[i + 1]!;
              ring.push([x / 1e6, y / 1e6]);
            }
            ring.push([...ring[0]!]);
            return ring;
          }),
        ),
      }),
    })),
    townships: doc.townships.map(([code, name]) => ({ code, name })),
    villages: doc.townships.flatMap(([code, , vs]) => vs.map((s) => ({ code: code + s.slice(0, 3), name: s.slice(3) }))),
  };
}
