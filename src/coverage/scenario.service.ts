import { createHash } from 'node:crypto';
import type { AreaRepository } from '../area/area.repository';
import type { VersionCache } from '../common/version-cache';
import { BadInputError, LimitExceededError, NotFoundError } from '../common/errors';
import { isInMainlandChina } from '../geo/is-in-mainland-china';
import { locationInWgs84 } from '../geo/location-in-wgs84';
import type { DelegationLevel } from '../service-item/delegation-level.enum';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import { defaultItemCodes } from '../service-point/delegation.rules';
import { ServicePointStatus } from '../service-point/service-point-kind.enum';
import { ServicePoint } from '../service-point/service-point.entity';
import { servicePointProblems } from '../service-point/service-point.rules';
import type { ServicePointInput } from '../service-point/service-point.repository';
import type { EnginePoint } from './coverage.engine';
import type { CoverageLoaders } from './coverage.loaders';
import type { ScenarioPoints } from './scenario-engine';
import type { ScenarioInput } from './scenario.input';
import type { ScenarioSummary } from './scenario.type';

type Loaders = CoverageLoaders;

/** What a kept resolution is taken to weigh. */
const SCENARIO_BYTES = 16 * 1024;

/** Saved scenarios by id, as the questions' `scenarioId` reads them. */
export interface SavedScenarioLookup {
  /** The scenario as saved, or null when there is none of that id. */
  changesOf(id: string): Promise<ScenarioInput | null>;
}

/** One entry of a scenario that cannot be evaluated, named as the client wrote it (`add[0].location`). */
export interface ScenarioProblem {
  readonly entry: string;
  readonly reason: string;
}

/** A scenario checked against the directory: the points it changes and adds, and what the answers say of it. */
export interface ResolvedScenario {
  readonly points: ScenarioPoints;
  readonly summary: ScenarioSummary;
  /** The points the scenario adds or changes as the directory would show them (answers naming them show these). */
  readonly shown: ReadonlyMap<string, ServicePoint>;
}

/**
 * Checks a what-if against the directory and the rules a write would meet (kinds and their items' levels, a
 * place in mainland China and in the point's county), then turns it into the point states the overlay reads.
 * Nothing is written; every problem is reported at once, each naming its entry.
 */
export class ScenarioService {
  private saved: SavedScenarioLookup | null = null;

  constructor(
    private readonly areas: AreaRepository,
    private readonly items: ServiceItemRepository,
    private readonly options: { maxChanges: number; boundaryToleranceMeters: number },
    /** Saved scenarios checked at a data version are kept for it (a map view asks for many tiles of one). */
    private readonly cache: VersionCache | null = null,
  ) {}

  /** Where saved scenarios are read (planning/, which sits above coverage, registers itself at start). */
  useSaved(lookup: SavedScenarioLookup): void {
    this.saved = lookup;
  }

  /** The scenario of a question's arguments (`scenario`, or a saved one by `scenarioId`), or null for none. */
  async resolveArgs(args: { scenario?: ScenarioInput | null; scenarioId?: string | null }, loaders: Loaders): Promise<ResolvedScenario | null> {
    if (args.scenario && args.scenarioId) throw new BadInputError('Give either `scenario` or `scenarioId`, not both.', { argument: 'scenarioId' });
    const id = args.scenarioId;
    if (id) {
      // Read each time: a deleted scenario is not found, whatever was kept.
      const changes = this.saved ? await this.saved.changesOf(id) : null;
      if (!changes) throw new NotFoundError('Scenario', id);
      const version = await loaders.dataVersion();
      const kept = this.cache?.get<Promise<ResolvedScenario>>('scenario', version, id);
      if (kept) return kept;
      const resolved = this.resolve(changes, loaders, id);
      this.cache?.set('scenario', version, id, resolved, SCENARIO_BYTES);
      resolved.catch(() => this.cache?.delete('scenario', version, id)); // a refusal is asked again
      return resolved;
    }
    return args.scenario ? this.resolve(args.scenario, loaders) : null;
  }

  async resolve(input: ScenarioInput, loaders: Loaders, savedId: string | null = null): Promise<ResolvedScenario> {
    const add = input.add ?? [];
    const close = input.close ?? [];
    const move = input.move ?? [];
    const setItems = input.setItems ?? [];
    const changes = add.length + close.length + move.length + setItems.length;
    if (changes > this.options.maxChanges) {
      throw new LimitExceededError(`The scenario has ${changes} changes, more than the ${this.options.maxChanges} one may hold (SCENARIO_MAX_CHANGES); split it or ask for a smaller area.`, {
        changes,
        limit: this.options.maxChanges,
      });
    }
    const problems: ScenarioProblem[] = [];
    const catalogue = new Map<string, DelegationLevel>((await this.items.findAll(null)).map((i) => [i.code, i.delegationLevel]));
    const catalogueList = [...catalogue].map(([code, delegationLevel]) => ({ code, delegationLevel }));

    // The existing points named, read once (their items too).
    const ids = [...new Set([...close, ...move.map((m) => m.id), ...setItems.map((s) => s.id), ...add.map((a) => a.key)])];
    const found = await loaders.servicePointById.loadMany(ids);
    const existing = new Map<string, ServicePoint>();
    found.forEach((p) => {
      if (p && !(p instanceof Error)) existing.set(p.id, p);
    });
    const itemLists = await loaders.itemsByServicePoint.loadMany([...existing.keys()]);
    const itemsOf = new Map([...existing.keys()].map((id, i) => [id, itemLists[i] instanceof Error ? [] : (itemLists[i] as { code: string }[]).map((x) => x.code)]));
    // What they accept on a resident's behalf stays as it is (a scenario changes the items handled in person).
    const assistedLists = await loaders.assistedItemsByServicePoint.loadMany([...existing.keys()]);
    const assistedOf = new Map([...existing.keys()].map((id, i) => [id, assistedLists[i] instanceof Error ? [] : (assistedLists[i] as { code: string }[]).map((x) => x.code)]));
    const known = (id: string, entry: string): ServicePoint | null => {
      const p = existing.get(id);
      if (!p) problems.push({ entry, reason: `service point ${id} does not exist (the servicePoints query lists them).` });
      return p ?? null;
    };

    // Each existing point's state as the scenario leaves it: items, then place, then closed.
    const states = new Map<string, EnginePoint>();
    const stateOf = (p: ServicePoint): EnginePoint =>
      states.get(p.id) ?? {
        id: p.id,
        kind: p.kind,
        areaCode: p.areaCode,
        villageCode: p.villageCode,
        longitude: p.location.coordinates[0]!,
        latitude: p.location.coordinates[1]!,
        itemCodes: itemsOf.get(p.id) ?? [],
        assistedItemCodes: assistedOf.get(p.id) ?? [],
        active: p.status === ServicePointStatus.ACTIVE,
      };
    /** Records to check as a write would (kind, area, items; then the place in its county). */
    const records: { entry: string; record: ServicePointInput }[] = [];
    const record = (p: EnginePoint, name: string): ServicePointInput => ({
      id: p.id,
      name,
      kind: p.kind as ServicePointInput['kind'],
      status: ServicePointStatus.ACTIVE,
      longitude: p.longitude,
      latitude: p.latitude,
      areaCode: p.areaCode,
      villageCode: p.villageCode,
      address: null,
      phone: null,
      openingHours: null,
      locationSynthetic: false,
      itemCodes: [...p.itemCodes],
      // A scenario's items handled in person may take over items the point accepted on a resident's behalf.
      assistedItemCodes: (p.assistedItemCodes ?? []).filter((c) => !p.itemCodes.includes(c)),
    });
    const inChina = (entry: string, [longitude, latitude]: [number, number]) => {
      if (isInMainlandChina(longitude, latitude)) return true;
      problems.push({ entry, reason: `(${longitude}, ${latitude}) is not in mainland China; check the coordinates and their crs.` });
      return false;
    };

    setItems.forEach((s, i) => {
      const p = known(s.id, `setItems[${i}].id`);
      if (!p) return;
      const before = stateOf(p);
      const itemCodes = [...new Set(s.itemCodes)];
      const state = { ...before, itemCodes, assistedItemCodes: (before.assistedItemCodes ?? []).filter((c) => !itemCodes.includes(c)) };
      states.set(p.id, state);
      records.push({ entry: `setItems[${i}]`, record: record(state, p.name) });
    });
    move.forEach((m, i) => {
      const p = known(m.id, `move[${i}].id`);
      const place = locationInWgs84(m.location);
      if (!p || !inChina(`move[${i}].location`, place)) return;
      const state = { ...stateOf(p), longitude: place[0], latitude: place[1] };
      states.set(p.id, state);
      records.push({ entry: `move[${i}]`, record: record(state, p.name) });
    });
    close.forEach((id, i) => {
      const p = known(id, `close[${i}]`);
      if (p) states.set(p.id, { ...stateOf(p), active: false });
    });

    const keys = new Set<string>();
    const added: EnginePoint[] = [];
    add.forEach((a, i) => {
      if (existing.has(a.key)) problems.push({ entry: `add[${i}].key`, reason: `${a.key} is the id of an existing point; give the new point a key of its own.` });
      if (keys.has(a.key)) problems.push({ entry: `add[${i}].key`, reason: `${a.key} is the key of another added point.` });
      keys.add(a.key);
      const place = locationInWgs84(a.location);
      if (!inChina(`add[${i}].location`, place)) return;
      const point: EnginePoint = {
        id: a.key,
        kind: a.kind,
        areaCode: a.areaCode,
        villageCode: null,
        longitude: place[0],
        latitude: place[1],
        itemCodes: a.itemCodes ? [...new Set(a.itemCodes)] : defaultItemCodes(a.kind, catalogueList),
        active: true,
      };
      added.push(point);
      records.push({ entry: `add[${i}]`, record: record(point, a.name) });
    });

    for (const { entry, record: r } of records) {
      for (const p of servicePointProblems(r, catalogue)) {
        // The rules name the record's fields; a scenario's entries call the place `location`.
        const field = p.field === 'longitude' || p.field === 'latitude' ? 'location' : p.field;
        problems.push({ entry: field ? `${entry}.${field}` : entry, reason: p.reason });
      }
    }
    const placed = records.filter(({ entry }) => !problems.some((p) => p.entry.startsWith(entry)));
    const checks = await this.areas.checkPlacesNow(
      placed.map(({ record: r }) => r),
      this.options.boundaryToleranceMeters,
    );
    checks.forEach((c, i) => {
      const { entry, record: r } = placed[i]!;
      if (c.areaLevel === null) problems.push({ entry: `${entry}.areaCode`, reason: `area ${r.areaCode} does not exist (the areas query lists codes).` });
      else if (c.inside === false) {
        problems.push({
          entry: `${entry}.location`,
          reason: `(${r.longitude}, ${r.latitude}) lies outside county ${r.areaCode.slice(0, 6)} (more than ${this.options.boundaryToleranceMeters} m beyond its boundary); check the coordinates and their crs.`,
        });
      }
    });

    if (problems.length) {
      throw new BadInputError(`The scenario cannot be evaluated: ${problems.map((p) => `scenario.${p.entry}: ${p.reason}`).join(' ')}`, {
        argument: 'scenario',
        problems: problems.map((p) => ({ entry: `scenario.${p.entry}`, reason: p.reason })),
      });
    }
    const points: ScenarioPoints = { changed: states, added };
    const shown = new Map<string, ServicePoint>();
    for (const [id, state] of states) shown.set(id, asShown(existing.get(id)!, state));
    add.forEach((a, i) => shown.set(a.key, asShown({ name: a.name, address: null, phone: null, openingHours: null }, added[i]!)));
    return { points, shown, summary: summarize(points, { added: add.length, closed: close.length, moved: move.length, itemsChanged: setItems.length, savedId }) };
  }
}

/** What an answer says of the scenario it was computed under: its key (the same changes, the same key) and sizes. */
function summarize(points: ScenarioPoints, counts: Omit<ScenarioSummary, 'key' | 'changes'>): ScenarioSummary {
  const canonical = JSON.stringify({
    changed: [...points.changed.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => [p.id, p.longitude, p.latitude, [...p.itemCodes].sort(), p.active !== false]),
    added: [...points.added].sort((a, b) => (a.id < b.id ? -1 : 1)).map((p) => [p.id, p.kind, p.areaCode, p.longitude, p.latitude, [...p.itemCodes].sort()]),
  });
  const key = createHash('sha256').update(canonical).digest('hex').slice(0, 16);
  return { key, changes: counts.added + counts.closed + counts.moved + counts.itemsChanged, ...counts };
}

/** A point as the directory would show it were the scenario written (the hypothetical ones: with the name given). */
function asShown(p: Pick<ServicePoint, 'name' | 'address' | 'phone' | 'openingHours'>, state: EnginePoint): ServicePoint {
  return Object.assign(new ServicePoint(), {
    id: state.id,
    name: p.name,
    kind: state.kind,
    status: state.active === false ? ServicePointStatus.CLOSED : ServicePointStatus.ACTIVE,
    location: { type: 'Point', coordinates: [state.longitude, state.latitude] },
    areaCode: state.areaCode,
    villageCode: state.villageCode,
    address: p.address,
    phone: p.phone,
    openingHours: p.openingHours,
    locationSynthetic: false,
  });
}
