const POSITION_TYPES: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

function checkPosition(p: unknown, where: string): string | null {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) return `${where}: a position is [longitude, latitude]`;
  if (!p.every((n) => typeof n === 'number' && Number.isFinite(n))) return `${where}: coordinates must be finite numbers`;
  const [lon, lat] = p as number[];
  if (lon < -180 || lon > 180) return `${where}: longitude ${lon} is outside [-180, 180]`;
  if (lat < -90 || lat > 90) return `${where}: latitude ${lat} is outside [-90, 90]`;
  return null;
}

function checkRing(ring: unknown[], where: string): string | null {
  if (ring.length < 4) return `${where}: a linear ring needs at least 4 positions`;
  const a = ring[0] as number[];
  const b = ring[ring.length - 1] as number[];
  if (a[0] !== b[0] || a[1] !== b[1]) return `${where}: a linear ring must be closed (first position = last)`;
  return null;
}

/**
 * Returns why `value` is not an RFC 7946 geometry (structure, finite in-range coordinates, closed rings),
 * or null when it is. Topology (self-intersection) is left to PostGIS's ST_IsValid.
 */
export function validateGeometry(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a GeoJSON geometry object';
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string' || !(type in POSITION_TYPES)) {
    return `unsupported geometry type ${JSON.stringify(type)} (expected one of ${Object.keys(POSITION_TYPES).join(', ')})`;
  }
  const depth = POSITION_TYPES[type];
  const walk = (node: unknown, level: number, where: string): string | null => {
    if (level === 0) return checkPosition(node, where);
    if (!Array.isArray(node)) return `${where}: expected an array`;
    if (node.length === 0) return `${where}: must not be empty`;
    if ((type === 'Polygon' && level === 1) || (type === 'MultiPolygon' && level === 1)) {
      const problem = checkRing(node, where);
      if (problem) return problem;
    }
    if (type === 'LineString' && level === 1 && node.length < 2) return `${where}: a line needs at least 2 positions`;
    for (let i = 0; i < node.length; i++) {
      const problem = walk(node[i], level - 1, `${where}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
  return walk(coordinates, depth, 'coordinates');
}
