import fs from 'node:fs';
import path from 'node:path';
import { validateGeometry } from '../../../src/geo/validate-geometry';

const dir = path.join(__dirname, '../../fixtures/geo/validate-geometry');
const load = (kind: 'valid' | 'invalid') =>
  fs.readdirSync(path.join(dir, kind)).map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, kind, f), 'utf8'))] as const);

describe('validateGeometry', () => {
  it.each(load('valid'))('accepts %s', (_name, feature) => {
    expect(validateGeometry(feature.geometry)).toBeNull();
  });

  it.each(load('invalid'))('rejects %s with the stated reason', (_name, feature) => {
    expect(validateGeometry(feature.geometry)).toMatch(new RegExp(feature.properties.expect));
  });

  it('rejects NaN and Infinity, which JSON cannot carry but JavaScript callers can', () => {
    expect(validateGeometry({ type: 'Point', coordinates: [NaN, 27] })).toMatch(/finite/);
    expect(validateGeometry({ type: 'Point', coordinates: [107, Infinity] })).toMatch(/finite/);
  });

  it('does not mutate its input', () => {
    const g = { type: 'Polygon', coordinates: [[[107, 27], [107.1, 27], [107.1, 27.1], [107, 27]]] };
    const copy = structuredClone(g);
    validateGeometry(g);
    expect(g).toEqual(copy);
  });
});
