import { Repeater } from '@repeaterjs/repeater';
import type { Logger } from '../common/logger';
import type { CoverageLoaders } from './coverage.loaders';
import type { ServicePoint } from '../service-point/service-point.entity';
import type { CoverageArgs } from './coverage.args';
import type { CoverageService, CoverageView } from './coverage.service';
import type { EngineAdvance, EngineStore } from './engine-store';

/** The request's loaders this reads. */
type Loaders = CoverageLoaders;

/** The headline figures whose change a `coverageChanged` subscriber is told of. */
function headline(view: CoverageView): string {
  return JSON.stringify([view.villageCount, view.coveredVillageCount, view.population, view.coveredPopulation]);
}

interface CoverageWatch {
  readonly args: CoverageArgs;
  /** Loaders of the data version the figures are read at (a fresh set for each step). */
  readonly loaders: () => Loaders;
  last: string | null;
  push(view: CoverageView): void;
}

interface PointWatch {
  readonly areaCode: string;
  readonly loaders: () => Loaders;
  push(point: ServicePoint): void;
}

/**
 * The live updates of GraphQL subscriptions (over WebSocket, graphql-ws): after each step of the engine (the
 * change feed: EngineStore.onAdvance), each `coverageChanged` subscription's figures are read again at the new
 * version and sent when they changed (subscriptions with the same arguments share one reading); each
 * `servicePointChanged` subscription is sent the points written in its area. Steps are handled one after another,
 * in version order.
 */
export class CoverageSubscriptions {
  private readonly coverage = new Set<CoverageWatch>();
  private readonly points = new Set<PointWatch>();
  private chain: Promise<void> = Promise.resolve();
  /** sent: events; steps: engine steps handled; started: coverage subscriptions whose starting figures are read. */
  readonly stats = { sent: 0, steps: 0, started: 0 };

  constructor(
    private readonly service: CoverageService,
    private readonly store: EngineStore,
    private readonly logger: Logger,
  ) {
    store.onAdvance((step) => {
      this.chain = this.chain.then(() => this.advanced(step)).catch((err: unknown) => this.logger.warn({ err }, 'subscriptions: a step could not be sent'));
    });
  }

  /** Subscriptions open now. */
  get open(): number {
    return this.coverage.size + this.points.size;
  }

  /** The coverage of `args` each time a write changes its headline figures. */
  coverageChanged(args: CoverageArgs, loaders: () => Loaders): AsyncIterable<CoverageView> {
    return new Repeater<CoverageView>(async (push, stop) => {
      const watch: CoverageWatch = { args, loaders, last: null, push: (view) => void push(view) };
      this.coverage.add(watch);
      try {
        // The figures now, so that the first change is told against what the subscriber started from. A step that
        // came while they were read was skipped for it (no starting point yet): if the engine moved past the
        // version read, compare once more.
        const start = await this.service.coverageOf(args, loaders());
        watch.last = headline(start);
        this.stats.started++;
        if (BigInt(this.store.state.dataVersion ?? '0') > BigInt(start.provenance.dataVersion)) {
          this.chain = this.chain.then(() => this.compare([watch])).catch((err: unknown) => this.logger.warn({ err }, 'subscriptions: a check failed'));
        }
      } catch (err) {
        this.coverage.delete(watch);
        throw err; // unknown area or item: the subscription ends with the error
      }
      await stop;
      this.coverage.delete(watch);
    });
  }

  /** Each service point of `areaCode` (its subtree) as it is after a write to it. */
  servicePointChanged(areaCode: string, loaders: () => Loaders): AsyncIterable<ServicePoint> {
    return new Repeater<ServicePoint>(async (push, stop) => {
      const watch: PointWatch = { areaCode, loaders, push: (p) => void push(p) };
      this.points.add(watch);
      await stop;
      this.points.delete(watch);
    });
  }

  /** Reads the figures of subscriptions with the same arguments at the current version; sends them where they changed. */
  private async compare(watches: readonly CoverageWatch[]): Promise<void> {
    const view = await this.service.coverageOf(watches[0]!.args, watches[0]!.loaders());
    const figures = headline(view);
    for (const w of watches) {
      // Not yet started: its starting reading (checked again if the engine moved meanwhile) sets where it starts.
      if (w.last === null || w.last === figures) continue;
      w.last = figures;
      w.push(view);
      this.stats.sent++;
    }
  }

  private async advanced(step: EngineAdvance): Promise<void> {
    this.stats.steps++;
    // Coverage: one reading per distinct set of arguments, at the new version.
    const byArgs = new Map<string, CoverageWatch[]>();
    for (const w of this.coverage) {
      const key = JSON.stringify(w.args);
      const same = byArgs.get(key);
      if (same) same.push(w);
      else byArgs.set(key, [w]);
    }
    for (const watches of byArgs.values()) await this.compare(watches);
    // Points: the ones written in this step (a snapshot load names none).
    if (step.points.length && this.points.size) {
      const loaders = [...this.points][0]!.loaders();
      const points = (await loaders.servicePointById.loadMany([...step.points])).filter((p): p is ServicePoint => p !== null && !(p instanceof Error));
      for (const w of this.points) {
        for (const p of points) {
          if ((p.villageCode ?? p.areaCode).startsWith(w.areaCode)) {
            w.push(p);
            this.stats.sent++;
          }
        }
      }
    }
  }
}
