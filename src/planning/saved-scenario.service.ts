import { randomUUID } from 'node:crypto';
import { ForbiddenError, NotFoundError } from '../common/errors';
import { Role } from '../common/role.enum';
import type { Viewer } from '../common/viewer';
import type { CoverageLoaders } from '../coverage/coverage.loaders';
import type { SavedScenarioLookup, ScenarioService } from '../coverage/scenario.service';
import type { ScenarioInput } from '../coverage/scenario.input';
import type { Actor, AuditLogRepository } from '../write/audit-log.repository';
import type { SaveScenarioArgs } from './saved-scenario.args';
import type { PointBasis, SavedScenarioRecord, SavedScenarioRepository } from './saved-scenario.repository';
import type { ScenarioStaleness } from './saved-scenario.type';

type Loaders = CoverageLoaders;

/** Below this a moved point is taken as in place (coordinates round-trip through the database). */
const MOVED_METERS = 1;

/**
 * Planners' saved scenarios: checked as any scenario is before they are kept, with the state of every existing
 * point they name, so that later readers are told what the live data has done since. Saving and deleting are
 * audited; a scenario is deleted by its author or an ADMIN.
 */
export class SavedScenarioService implements SavedScenarioLookup {
  constructor(
    private readonly repository: SavedScenarioRepository,
    private readonly audit: AuditLogRepository,
    private readonly scenarios: ScenarioService,
  ) {}

  async changesOf(id: string): Promise<ScenarioInput | null> {
    const [record] = await this.repository.findByIds([id]);
    // Saved as checked input: the same shape the GraphQL argument has.
    return record ? (record.changes as unknown as ScenarioInput) : null;
  }

  async save(args: SaveScenarioArgs, caller: { viewer: Viewer; actor: Actor }, loaders: Loaders): Promise<SavedScenarioRecord> {
    const area = await loaders.areaByCode.load(args.areaCode);
    if (!area) throw new NotFoundError('Area', args.areaCode);
    const [resolved, dataVersion, basis] = await Promise.all([this.scenarios.resolve(args.scenario, loaders), loaders.dataVersion(), this.basisOf(args.scenario, loaders)]);
    const changes = JSON.parse(JSON.stringify(args.scenario)) as Record<string, unknown>;
    return this.repository.transaction(async (manager) => {
      const saved = await this.repository.insert(manager, {
        id: randomUUID(),
        name: args.name,
        areaCode: area.code,
        changes,
        basis,
        summary: resolved.summary,
        dataVersion,
        authorKeyId: caller.viewer.keyId,
        authorName: caller.viewer.name,
      });
      await this.audit.record(manager, caller.actor, [
        { action: 'scenario.create', entity: 'scenario', entityKey: saved.id, changes: { name: [null, saved.name], areaCode: [null, saved.areaCode], scenario: [null, changes] } },
      ]);
      return saved;
    });
  }

  async get(id: string): Promise<SavedScenarioRecord | null> {
    return (await this.repository.findByIds([id]))[0] ?? null;
  }

  list(areaCode: string, first: number | undefined): Promise<SavedScenarioRecord[]> {
    return this.repository.inArea(areaCode, first ?? 50);
  }

  async delete(id: string, caller: { viewer: Viewer; actor: Actor }): Promise<boolean> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError('Scenario', id);
    const own = found.authorKeyId !== null && found.authorKeyId === caller.viewer.keyId;
    if (!own && !caller.viewer.roles.includes(Role.ADMIN)) {
      throw new ForbiddenError(`Scenario ${id} was saved by "${found.authorName}"; only its author or an ADMIN key may delete it.`);
    }
    return this.repository.transaction(async (manager) => {
      const deleted = await this.repository.delete(manager, id);
      if (!deleted) throw new NotFoundError('Scenario', id);
      await this.audit.record(manager, caller.actor, [{ action: 'scenario.delete', entity: 'scenario', entityKey: id, changes: { name: [deleted.name, null] } }]);
      return true;
    });
  }

  /** What the live data did since the scenario was saved to the points it names, and to the keys it adds. */
  async staleness(record: SavedScenarioRecord, loaders: Loaders): Promise<ScenarioStaleness[]> {
    const input = record.changes as unknown as ScenarioInput;
    const now = await this.basisOf(input, loaders);
    const current = new Map(now.map((p) => [p.id, p]));
    const found: ScenarioStaleness[] = [];
    const entries = entriesOf(input);
    for (const before of record.basis) {
      const entry = entries.get(before.id) ?? 'scenario';
      const after = current.get(before.id);
      if (!after) {
        found.push({ entry, reason: `service point ${before.id} no longer exists.` });
        continue;
      }
      if (after.status !== before.status) found.push({ entry, reason: `service point ${before.id} was ${before.status} when the scenario was saved and is ${after.status} now.` });
      const moved = metersBetween(before, after);
      if (moved > MOVED_METERS) found.push({ entry, reason: `service point ${before.id} has moved ${Math.round(moved)} m since the scenario was saved.` });
      if ([...before.itemCodes].sort().join() !== [...after.itemCodes].sort().join()) found.push({ entry, reason: `service point ${before.id} offers other items than when the scenario was saved.` });
    }
    const keys = (input.add ?? []).map((a) => a.key);
    const taken = await loaders.servicePointById.loadMany(keys);
    keys.forEach((key, i) => {
      if (taken[i] && !(taken[i] instanceof Error)) found.push({ entry: `scenario.add[${i}].key`, reason: `a point with id ${key} now exists in the directory: the scenario cannot be evaluated until its key is changed.` });
    });
    return found;
  }

  /** The directory's state now of the existing points a scenario names. */
  private async basisOf(input: ScenarioInput, loaders: Loaders): Promise<PointBasis[]> {
    const ids = [...new Set([...(input.close ?? []), ...(input.move ?? []).map((m) => m.id), ...(input.setItems ?? []).map((s) => s.id)])];
    const [points, items] = await Promise.all([loaders.servicePointById.loadMany(ids), loaders.itemsByServicePoint.loadMany(ids)]);
    const basis: PointBasis[] = [];
    ids.forEach((id, i) => {
      const p = points[i];
      if (!p || p instanceof Error) return;
      const list = items[i];
      basis.push({
        id,
        status: p.status,
        longitude: p.location.coordinates[0]!,
        latitude: p.location.coordinates[1]!,
        itemCodes: list && !(list instanceof Error) ? list.map((x) => x.code).sort() : [],
      });
    });
    return basis;
  }
}

/** The first entry naming each point, as `scenario.close[0]`. */
function entriesOf(input: ScenarioInput): Map<string, string> {
  const entries = new Map<string, string>();
  (input.close ?? []).forEach((id, i) => entries.has(id) || entries.set(id, `scenario.close[${i}]`));
  (input.move ?? []).forEach((m, i) => entries.has(m.id) || entries.set(m.id, `scenario.move[${i}]`));
  (input.setItems ?? []).forEach((s, i) => entries.has(s.id) || entries.set(s.id, `scenario.setItems[${i}]`));
  return entries;
}

/** Metres between two places (equirectangular: the distances that matter here are a few metres). */
function metersBetween(a: { longitude: number; latitude: number }, b: { longitude: number; latitude: number }): number {
  const k = Math.PI / 180;
  const x = (b.longitude - a.longitude) * k * Math.cos(((a.latitude + b.latitude) / 2) * k);
  const y = (b.latitude - a.latitude) * k;
  return Math.sqrt(x * x + y * y) * 6_371_008.8;
}
