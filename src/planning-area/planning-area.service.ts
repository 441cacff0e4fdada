import * as turf from '@turf/turf';
import type { MultiPolygon, Position } from 'geojson';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors';
import type { Viewer } from '../common/viewer';
import { convertGeometry } from '../geo/convert-geometry';
import { isInMainlandChina } from '../geo/is-in-mainland-china';
import type { Actor, AuditLogRepository } from '../write/audit-log.repository';
import type { PlanningAreaRecord, PlanningAreaRepository, PlanningAreaWrite } from './planning-area.repository';
import { MAX_PLANNING_AREA_VERTICES, type PlanningAreaInput } from './planning-area.type';

/**
 * Planners' own areas: checked (members that exist; a polygon valid for PostGIS, not empty, in China, not too
 * large), written with their audit record in one transaction. The write moves the data version: engines take the
 * new definition from the change feed, so answers about the area are labelled with the version that defined it.
 */
export class PlanningAreaService {
  constructor(
    private readonly repository: PlanningAreaRepository,
    private readonly audit: AuditLogRepository,
  ) {}

  list(first: number): Promise<PlanningAreaRecord[]> {
    return this.repository.all(first);
  }

  async get(code: string): Promise<PlanningAreaRecord | null> {
    return (await this.repository.findByCodes([code]))[0] ?? null;
  }

  async create(input: PlanningAreaInput, caller: { viewer: Viewer; actor: Actor }): Promise<PlanningAreaRecord> {
    const definition = await this.checked(input);
    return this.repository.transaction(async (manager) => {
      if ((await this.repository.findByCodes([definition.code], manager)).length) {
        throw new ConflictError(`A planning area ${definition.code} exists already; update it (updatePlanningArea) or choose another code.`, { argument: 'code' });
      }
      const created = await this.repository.insert(manager, definition, { keyId: caller.viewer.keyId, name: caller.viewer.name });
      await this.audit.record(manager, caller.actor, [{ action: 'planning_area.create', entity: 'planning_area', entityKey: created.code, changes: auditChanges(null, created) }]);
      return created;
    });
  }

  async update(input: PlanningAreaInput, caller: { actor: Actor }): Promise<PlanningAreaRecord> {
    const definition = await this.checked(input);
    return this.repository.transaction(async (manager) => {
      const [before] = await this.repository.findByCodes([definition.code], manager);
      if (!before) throw new NotFoundError('PlanningArea', definition.code);
      const updated = (await this.repository.update(manager, definition))!;
      await this.audit.record(manager, caller.actor, [{ action: 'planning_area.update', entity: 'planning_area', entityKey: updated.code, changes: auditChanges(before, updated) }]);
      return updated;
    });
  }

  async delete(code: string, caller: { actor: Actor }): Promise<boolean> {
    return this.repository.transaction(async (manager) => {
      const [before] = await this.repository.findByCodes([code], manager);
      if (!before) throw new NotFoundError('PlanningArea', code);
      const scenarios = await this.repository.scenarioCount(manager, code);
      if (scenarios > 0) {
        throw new ConflictError(`Planning area ${code} has ${scenarios} saved scenario(s) (scenarios(areaCode: "${code}")); delete them first.`, { scenarios });
      }
      await this.repository.delete(manager, code);
      await this.audit.record(manager, caller.actor, [{ action: 'planning_area.delete', entity: 'planning_area', entityKey: code, changes: auditChanges(before, null) }]);
      return true;
    });
  }

  /** Village count and population of an area now (from the database, as the area stats of official areas are). */
  async figures(code: string): Promise<{ villageCount: number; population: number }> {
    return (await this.repository.villageStats([code]))[0] ?? { villageCount: 0, population: 0 };
  }

  /** The definition to write, or a BAD_USER_INPUT naming what is wrong and how to fix it. */
  private async checked(input: PlanningAreaInput): Promise<PlanningAreaWrite> {
    const members = input.memberCodes ?? [];
    const polygon = input.polygon ?? null;
    if ((members.length > 0) === (polygon !== null)) {
      throw new BadInputError('Give either memberCodes (townships and villages) or polygon, not both and not neither.', { argument: 'input' });
    }
    const base = { code: input.code, name: input.name.trim(), description: input.description?.trim() || null };
    if (members.length > 0) {
      const unique = [...new Set(members)].sort();
      const known = await this.repository.knownMembers(unique);
      const unknown = unique.filter((c) => !known.has(c));
      if (unknown.length) {
        throw new BadInputError(`Unknown member code(s): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}. Members are townships (9 digits, areas(level: TOWNSHIP)) and villages (12 digits).`, {
          argument: 'input.memberCodes',
          unknown: unknown.slice(0, 100),
        });
      }
      // A village inside a listed township adds nothing: kept once, as the township.
      const townships = new Set(unique.filter((c) => c.length === 9));
      return { ...base, memberCodes: unique.filter((c) => c.length === 9 || !townships.has(c.slice(0, 9))), boundary: null };
    }
    return { ...base, memberCodes: [], boundary: await this.checkedPolygon(polygon!, input.crs) };
  }

  private async checkedPolygon(polygon: NonNullable<PlanningAreaInput['polygon']>, crs: PlanningAreaInput['crs']): Promise<MultiPolygon> {
    const argument = 'input.polygon';
    if (polygon.type !== 'Polygon' && polygon.type !== 'MultiPolygon') {
      throw new BadInputError(`polygon must be a GeoJSON Polygon or MultiPolygon, got ${polygon.type}.`, { argument });
    }
    const multi: MultiPolygon = convertGeometry(polygon.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [polygon.coordinates] } : polygon, crs, 'WGS84');
    const positions: Position[] = multi.coordinates.flat(2);
    if (positions.length > MAX_PLANNING_AREA_VERTICES) {
      throw new BadInputError(`polygon has ${positions.length} vertices; at most ${MAX_PLANNING_AREA_VERTICES}. Simplify it (e.g. to 50 m in QGIS or mapshaper), or list townships instead.`, { argument });
    }
    const centroid = turf.centroid(multi).geometry.coordinates;
    if (!positions.some(([lon, lat]) => isInMainlandChina(lon!, lat!)) && !isInMainlandChina(centroid[0]!, centroid[1]!)) {
      throw new BadInputError(`polygon lies outside mainland China (centroid ${centroid[0]!.toFixed(4)}, ${centroid[1]!.toFixed(4)} in ${crs === 'WGS84' ? 'WGS-84' : 'WGS-84 after conversion'}); check the coordinates are [longitude, latitude] and the crs.`, { argument });
    }
    const { reason, areaKm2 } = await this.repository.checkPolygon(multi);
    if (reason) throw new BadInputError(`polygon is not a valid polygon: ${reason}. Rings must not cross themselves or each other (fix it with ST_MakeValid or QGIS "Fix geometries").`, { argument, reason });
    if (!(areaKm2 > 1e-6)) throw new BadInputError('polygon is empty (it encloses no area).', { argument });
    return multi;
  }
}

/** The audit record's before → after of the fields that define an area. */
function auditChanges(before: PlanningAreaRecord | null, after: PlanningAreaRecord | null): Record<string, [unknown, unknown]> {
  const pick = (a: PlanningAreaRecord | null) => (a ? { name: a.name, description: a.description, memberCodes: a.memberCodes, polygon: a.boundary } : { name: null, description: null, memberCodes: null, polygon: null });
  const b = pick(before);
  const a = pick(after);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(a) as (keyof typeof a)[]) if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) changes[key] = [b[key], a[key]];
  return changes;
}
