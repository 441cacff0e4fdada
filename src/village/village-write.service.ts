import type { AreaRepository } from '../area/area.repository';
import type { Config } from '../config/config';
import { locationInWgs84 } from '../geo/location-in-wgs84';
import type { AuditLogRepository } from '../write/audit-log.repository';
import { applyWrites, diffFields, type WriteOptions, type WriteSpec } from '../write/write-pipeline';
import type { FieldProblem, SourceRow, WriteReport } from '../write/write-report.type';
import type { VillageInput as VillageGraphQLInput } from './village.input';
import type { VillageInput, VillageRepository } from './village.repository';
import { villageProblems } from './village.rules';

const FIELDS = ['name', 'townshipCode', 'countyCode', 'longitude', 'latitude', 'population', 'locationSynthetic'] as const;

/** Writes to villages (upsert by code): the upsertVillages mutation and village imports. */
export class VillageWriteService {
  constructor(
    private readonly villages: VillageRepository,
    private readonly areas: AreaRepository,
    private readonly audit: AuditLogRepository,
    private readonly config: Config,
  ) {}

  /** A village record from its code, name, WGS-84 position and population; township and county from the code. */
  static record(code: string, name: string, longitude: number, latitude: number, population: number): VillageInput {
    const c = typeof code === 'string' ? code : '';
    return { code, name: typeof name === 'string' ? name.trim() : name, townshipCode: c.slice(0, 9), countyCode: c.slice(0, 6), longitude, latitude, population, locationSynthetic: false };
  }

  fromGraphQL(inputs: readonly VillageGraphQLInput[]): SourceRow<VillageInput>[] {
    return inputs.map((v, i) => {
      const [longitude, latitude] = locationInWgs84(v.location);
      return { index: i + 1, line: i + 1, value: VillageWriteService.record(v.code, v.name, longitude, latitude, v.population) };
    });
  }

  apply(rows: readonly SourceRow<VillageInput>[], options: WriteOptions<VillageInput>): Promise<WriteReport> {
    return applyWrites(this.spec(), rows, options, { transaction: (work) => this.villages.transaction(work), audit: this.audit });
  }

  private spec(): WriteSpec<VillageInput> {
    const tolerance = this.config.boundaryToleranceMeters;
    return {
      entity: 'village',
      keyOf: (v) => v.code,
      areaOf: (v) => v.townshipCode,
      placeOf: (v) => ({ countyCode: v.countyCode, longitude: v.longitude, latitude: v.latitude }),
      validate: villageProblems,
      checkPlaces: async (manager, records) => {
        const rows = records.map((v) => ({ areaCode: v.townshipCode, villageCode: null, longitude: v.longitude, latitude: v.latitude }));
        const checks = await this.areas.checkPlaces(manager, rows, tolerance);
        const out = new Map<number, FieldProblem[]>();
        checks.forEach((c, i) => {
          const v = records[i]!;
          const found: FieldProblem[] = [];
          if (c.areaLevel !== 'TOWNSHIP') found.push({ field: 'code', reason: `township ${v.townshipCode} (the code's first 9 digits) does not exist.` });
          if (c.inside === false) {
            found.push({ field: 'location', reason: `(${v.longitude}, ${v.latitude}) lies outside county ${v.countyCode} (more than ${tolerance} m beyond its boundary); check the coordinates and their crs.` });
          }
          if (found.length) out.set(i, found);
        });
        return out;
      },
      lock: async (manager, keys) => new Map((await this.villages.lockRecords(manager, keys)).map((v) => [v.code, v])),
      write: (manager, records) => this.villages.upsertMany(manager, records),
      diff: (before, after) => diffFields(before, after, FIELDS),
    };
  }
}
