import { createSilentLogger } from '../../../src/common/logger';
import { ANY_ITEM, type AreaComputation } from '../../../src/coverage/coverage.engine';
import { CoverageRepository } from '../../../src/coverage/coverage.repository';
import type { CoverageService } from '../../../src/coverage/coverage.service';
import { TravelMode } from '../../../src/coverage/travel-mode.enum';
import type { Database } from '../../../src/db/data-source';
import { createServices } from '../../../src/app/container';
import { createRepositories } from '../../../src/app/repositories';
import { openTestDatabase, testConfig } from '../../helpers/test-db';

/**
 * The in-memory engine and the PostGIS reference (one ST_DWithin query on geography) must agree:
 * same covered set except villages within 0.5 % of the threshold (listed), distances within 0.5 %.
 */
const TOLERANCE = 0.005;

describe('coverage: engine and PostGIS agree', () => {
  let db: Database;
  let service: CoverageService;
  let repo: CoverageRepository;

  beforeAll(async () => {
    db = await openTestDatabase();
    repo = new CoverageRepository(db.dataSource);
    service = createServices(createRepositories(db.dataSource), testConfig({ POLYGON_THREADS: '0' }), createSilentLogger()).coverage;
  });
  afterAll(() => db.close());

  const compare = (engine: AreaComputation, postgis: AreaComputation, radius: number) => {
    expect(engine.codes).toEqual(postgis.codes);
    const nearThreshold: string[] = [];
    let compared = 0;
    for (let k = 0; k < engine.codes.length; k++) {
      const e = engine.distanceMeters[k];
      const p = postgis.distanceMeters[k];
      const borderline = [e, p].some((d) => Number.isFinite(d) && Math.abs(d - radius) <= TOLERANCE * radius);
      if (engine.covered[k] !== postgis.covered[k]) {
        if (!borderline) throw new Error(`${engine.codes[k]}: engine covered=${engine.covered[k]} (${e} m), PostGIS covered=${postgis.covered[k]} (${p} m), radius ${radius} m`);
        nearThreshold.push(engine.codes[k]);
      }
      if (engine.covered[k] && postgis.covered[k]) {
        // Equidistant points may differ by id; the distance must agree.
        expect(Math.abs(e - p)).toBeLessThanOrEqual(TOLERANCE * p + 0.01);
        compared++;
      }
    }
    return { nearThreshold, compared };
  };

  const cases: [string, string, (string | null)[]][] = [
    ['Kaiyang', '520121', [null, 'RESIDENT_ENROLMENT', 'CHRONIC_DISEASE_CERT', 'APPEAL']],
    ['Sanming', '3504', [null, 'CHRONIC_DISEASE_CERT']],
  ];
  for (const [name, areaCode, items] of cases) {
    for (const mode of Object.values(TravelMode)) {
      it(`${name}, ${mode}, items ${items.map((i) => i ?? 'any').join(' / ')}`, async () => {
        const engine = await service.currentEngine();
        const travel = service.travel({ mode });
        const radiusMeters = travel.budgetCost; // the straight line's budget is a radius
        for (const item of items) {
          const e = engine.computeArea(areaCode, item ?? ANY_ITEM, travel.model, travel.mode, travel.budgetCost);
          const { computation: p } = await repo.computeArea(areaCode, item, radiusMeters);
          const { nearThreshold, compared } = compare(e, p, radiusMeters);
          if (nearThreshold.length) console.info(`${name} ${mode} ${item ?? 'any'}: differ only within 0.5% of the threshold: ${nearThreshold.join(', ')}`);
          expect(nearThreshold.length).toBeLessThanOrEqual(Math.ceil(e.codes.length * 0.01));
          expect(compared).toBeGreaterThan(0);
          // The uncovered villages' nearest points (beyond the radius) agree too.
          for (let k = 0; k < e.codes.length; k++) {
            if (!e.covered[k] && !p.covered[k]) expect(Math.abs(e.distanceMeters[k] - p.distanceMeters[k])).toBeLessThanOrEqual(TOLERANCE * p.distanceMeters[k]);
          }
        }
      });
    }
  }
});
