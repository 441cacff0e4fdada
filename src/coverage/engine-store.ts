import type { Logger } from '../common/logger';
import { outsideReadRoute } from '../db/read-replicas';
import { RoadNetwork } from '../travel/road-network';
import type { StraightLineParameters } from '../travel/straight-line.model';
import { TravelModels, type RoadModelSettings } from '../travel/travel-models';
import { CoverageEngine, type FieldStats } from './coverage.engine';
import type { CoverageRepository, RoadSnapshot } from './coverage.repository';

/** What one step of the engine did: from which version to which, and how. */
export interface EngineAdvance {
  readonly from: string | null;
  readonly to: string;
  readonly how: 'loaded' | 'patched';
  /** Ids of the service points changed (patched steps). */
  readonly points: readonly string[];
  readonly villages: number;
  /** The whole step: reading the change log and the changed rows (or the snapshot), and applying them. */
  readonly ms: number;
  /** Of that, applying them to the engine (patched steps). */
  readonly patchMs: number;
}

/**
 * Keeps the coverage engine at the data version the requests read. The first use loads a snapshot; after that the
 * engine follows the change feed: the change log after its version is read with the changed rows, and patched in
 * (`CoverageEngine.applyPoint`, `applyVillage`); only what cannot be patched (see `changesSince`) loads a snapshot.
 * One step runs at a time, so steps finish in the order they started and each reaches a version at least as new
 * as the one before. A request that read version N never gets an engine older than N: a step already running may
 * have read the log before the write the request saw, and the request then waits for the next step.
 */
export class EngineStore {
  private engine: CoverageEngine | null = null;
  private stepping: Promise<CoverageEngine> | null = null;
  private syntheticData = true;
  private readonly listeners: ((step: EngineAdvance) => void)[] = [];
  readonly stats = { loads: 0, patches: 0, lastStepMs: 0, lastPatchMs: 0 };

  constructor(
    private readonly repo: CoverageRepository,
    private readonly logger: Logger,
    private readonly options: { maxFieldBytes: number; straightLine: StraightLineParameters; road?: RoadModelSettings },
  ) {
    this.bareModels = new TravelModels(options.straightLine);
  }

  /** Straight line only: the models before any engine is loaded. */
  private readonly bareModels: TravelModels;

  /** The travel models of the newest engine (its road networks), for checking a query before the engine it will read. */
  get models(): TravelModels {
    return this.engine?.models ?? this.bareModels;
  }

  /** Whether the data is synthetic (as the last snapshot said). */
  get synthetic(): boolean {
    return this.syntheticData;
  }

  /** For /readyz and the metrics. */
  get state(): { loaded: boolean; dataVersion: string | null; loading: boolean; fields: FieldStats | null } {
    return { loaded: this.engine !== null, dataVersion: this.engine?.dataVersion ?? null, loading: this.stepping !== null, fields: this.engine?.fieldStats() ?? null };
  }

  /** Called after each step (the subscriptions tell their clients what changed). */
  onAdvance(listener: (step: EngineAdvance) => void): void {
    this.listeners.push(listener);
  }

  /** The engine at data version `wanted` or newer. */
  async atLeast(wanted: bigint): Promise<CoverageEngine> {
    for (;;) {
      const engine = this.engine;
      if (engine && BigInt(engine.dataVersion) >= wanted) return engine;
      const startedHere = this.stepping === null;
      // Outside the request's read routing: the step is shared, and tells the subscribers what changed.
      const reached = await (this.stepping ??= outsideReadRoute(() => this.step()).finally(() => (this.stepping = null)));
      // A step started after the version was read found an older one: the database went back (a restore).
      if (startedHere && BigInt(reached.dataVersion) < wanted) return reached;
    }
  }

  /** A newer version was announced (the change feed): catch up now, not at the next request. */
  announce(version: bigint): void {
    if (!this.engine || BigInt(this.engine.dataVersion) >= version) return;
    this.atLeast(version).catch((err: unknown) => this.logger.warn({ err }, 'coverage engine could not catch up with the change feed'));
  }

  /** Brings the engine to the database's current version. */
  private async step(): Promise<CoverageEngine> {
    const started = performance.now();
    const engine = this.engine;
    if (engine) {
      const changes = await this.repo.changesSince(engine.dataVersion);
      if (changes.reload === null) {
        const from = engine.dataVersion;
        const version = changes.dataVersion;
        const patching = performance.now();
        for (const [id, point] of changes.points) engine.applyPoint(version, id, point && point.active !== false ? point : null);
        for (const village of changes.villages.values()) {
          if (!engine.applyVillage(version, village!)) return this.load(`village ${village!.code} appeared or changed township`, started);
        }
        if (changes.planningAreas) engine.setPlanningAreas(changes.planningAreas);
        if (changes.handlingRules) engine.setHandlingRules(changes.handlingRules);
        engine.advance(version);
        this.stats.patches++;
        const patchMs = performance.now() - patching;
        this.stats.lastPatchMs = patchMs;
        this.finish({ from, to: version, how: 'patched', points: [...changes.points.keys()], villages: changes.villages.size, ms: performance.now() - started, patchMs });
        return engine;
      }
      return this.load(changes.reload, started);
    }
    return this.load('first use', started);
  }

  private async load(why: string, started: number): Promise<CoverageEngine> {
    const from = this.engine?.dataVersion ?? null;
    const snapshot = await this.repo.loadSnapshot();
    const models = new TravelModels(this.options.straightLine, snapshot.roads ? { network: roadNetworkOf(snapshot.roads), synthetic: snapshot.roads.networks.some((n) => n.synthetic), ...this.options.road } : undefined);
    const engine = new CoverageEngine(snapshot.dataVersion, snapshot.villages, snapshot.points, { maxFieldBytes: this.options.maxFieldBytes, models, planningAreas: snapshot.planningAreas, handlingRules: snapshot.handlingRules });
    this.syntheticData = snapshot.syntheticData;
    this.engine = engine;
    this.stats.loads++;
    const ms = performance.now() - started;
    this.logger.info({ dataVersion: engine.dataVersion, villages: snapshot.villages.length, points: snapshot.points.length, ms: Math.round(ms), why }, 'coverage engine loaded');
    this.finish({ from, to: engine.dataVersion, how: 'loaded', points: [], villages: snapshot.villages.length, ms, patchMs: 0 });
    return engine;
  }

  private finish(step: EngineAdvance): void {
    this.stats.lastStepMs = step.ms;
    for (const listener of this.listeners) {
      try {
        listener(step);
      } catch (err) {
        this.logger.error({ err }, 'engine step listener failed');
      }
    }
  }
}

/**
 * The stored networks as one graph, named after them all (the name is in the fields' keys); each network is a part,
 * so that a ROAD answer about an area names only that area's networks (RoadNetwork.nameFor).
 */
function roadNetworkOf(roads: RoadSnapshot): RoadNetwork {
  const parts = roads.networks.map((n) => ({ areaCode: n.areaCode, label: `${n.name} (${n.areaCode}${n.synthetic ? ', synthetic' : ''})` }));
  return RoadNetwork.build(roads.nodes, roads.edges, parts.map((p) => p.label).join(' + '), parts);
}
