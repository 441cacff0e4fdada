import type { AreaRepository } from '../area/area.repository';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors';
import { isInViewerAreas } from '../common/viewer';
import type { Config } from '../config/config';
import { locationInWgs84 } from '../geo/location-in-wgs84';
import type { Actor, AuditLogRepository } from '../write/audit-log.repository';
import type { Viewer } from '../common/viewer';
import { applyWrites, diffFields, problemCode, type WriteOptions, type WriteSpec } from '../write/write-pipeline';
import { WriteMode, type FieldProblem, type SourceRow, type WriteReport } from '../write/write-report.type';
import type { DelegationLevel } from '../service-item/delegation-level.enum';
import { defaultItemCodes } from './delegation.rules';
import type { ServiceItemRepository } from '../service-item/service-item.repository';
import { ServicePointStatus } from './service-point-kind.enum';
import type { ServicePoint } from './service-point.entity';
import type { CreateServicePointInput, UpdateServicePointInput } from './service-point.input';
import type { ServicePointInput, ServicePointRepository } from './service-point.repository';
import { servicePointProblems } from './service-point.rules';

const FIELDS = ['name', 'kind', 'status', 'longitude', 'latitude', 'areaCode', 'villageCode', 'address', 'phone', 'openingHours', 'locationSynthetic', 'itemCodes', 'assistedItemCodes'] as const;

/** Who writes, and how: what a resolver or the import command hands over. */
export interface WriteCaller {
  readonly viewer: Viewer;
  readonly actor: Actor;
}

/** Writes to service points: single-point mutations and batch imports share one validated, audited path. */
export class ServicePointWriteService {
  constructor(
    private readonly points: ServicePointRepository,
    private readonly areas: AreaRepository,
    private readonly items: ServiceItemRepository,
    private readonly audit: AuditLogRepository,
    private readonly config: Config,
  ) {}

  /** Catalogue of item code → delegation level; also used to fill default item sets. */
  async catalogue(): Promise<Map<string, DelegationLevel>> {
    return new Map((await this.items.findAll(null)).map((i) => [i.code, i.delegationLevel]));
  }

  /** A record's item set: as listed (sorted, unique), or the kind's default from the catalogue. */
  withItems(
    record: Omit<ServicePointInput, 'itemCodes' | 'assistedItemCodes'> & { itemCodes?: string[] | null; assistedItemCodes?: string[] | null },
    catalogue: Map<string, DelegationLevel>,
  ): ServicePointInput {
    const assistedItemCodes = [...new Set(record.assistedItemCodes ?? [])].sort();
    if (record.itemCodes) return { ...record, itemCodes: [...new Set(record.itemCodes)].sort(), assistedItemCodes };
    const list = [...catalogue].map(([code, delegationLevel]) => ({ code, delegationLevel }));
    return { ...record, itemCodes: defaultItemCodes(record.kind, list).sort(), assistedItemCodes };
  }

  /** Writes the rows; `catalogue` when the caller has already read it. */
  async apply(rows: readonly SourceRow<ServicePointInput>[], options: WriteOptions<ServicePointInput>, catalogue?: Map<string, DelegationLevel>): Promise<WriteReport> {
    const spec = this.spec(catalogue ?? (await this.catalogue()));
    return applyWrites(spec, rows, options, { transaction: (work) => this.points.transaction(work), audit: this.audit });
  }

  async create(input: CreateServicePointInput, caller: WriteCaller): Promise<ServicePoint> {
    const [longitude, latitude] = locationInWgs84(input.location);
    const catalogue = await this.catalogue();
    const record = this.withItems(
      {
        id: input.id,
        name: input.name.trim(),
        kind: input.kind,
        status: input.status,
        longitude,
        latitude,
        areaCode: input.areaCode,
        villageCode: input.villageCode ?? null,
        address: input.address ?? null,
        phone: input.phone ?? null,
        openingHours: input.openingHours ?? null,
        locationSynthetic: false,
        itemCodes: input.itemCodes,
        assistedItemCodes: input.assistedItemCodes,
      },
      catalogue,
    );
    return this.writeOne(record, caller, 'create', undefined, catalogue);
  }

  async update(id: string, patch: UpdateServicePointInput, caller: WriteCaller): Promise<ServicePoint> {
    return this.modify(id, caller, (before) => {
      const location = patch.location ? locationInWgs84(patch.location) : null;
      return {
        ...before,
        ...(patch.name !== undefined && patch.name !== null ? { name: patch.name.trim() } : {}),
        ...(patch.kind ? { kind: patch.kind } : {}),
        ...(patch.status ? { status: patch.status } : {}),
        ...(patch.areaCode ? { areaCode: patch.areaCode } : {}),
        ...(patch.villageCode !== undefined ? { villageCode: patch.villageCode } : {}),
        ...(patch.address !== undefined ? { address: patch.address } : {}),
        ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
        ...(patch.openingHours !== undefined ? { openingHours: patch.openingHours } : {}),
        ...(location ? { longitude: location[0], latitude: location[1], locationSynthetic: false } : {}),
      };
    });
  }

  setItems(id: string, itemCodes: string[], caller: WriteCaller): Promise<ServicePoint> {
    return this.modify(id, caller, (before) => ({ ...before, itemCodes: [...new Set(itemCodes)].sort() }));
  }

  /** Replaces the items the point accepts on a resident's behalf (assisted handling). */
  setAssistedItems(id: string, itemCodes: string[], caller: WriteCaller): Promise<ServicePoint> {
    return this.modify(id, caller, (before) => ({ ...before, assistedItemCodes: [...new Set(itemCodes)].sort() }));
  }

  /** Closed points stay in the directory (status CLOSED) but no longer count for coverage. */
  close(id: string, caller: WriteCaller): Promise<ServicePoint> {
    return this.modify(id, caller, (before) => ({ ...before, status: ServicePointStatus.CLOSED }));
  }

  private async modify(id: string, caller: WriteCaller, change: (before: ServicePointInput) => ServicePointInput): Promise<ServicePoint> {
    // Only for the checks below: the write pipeline locks the row and compares it with this read (readVersions).
    const [before] = await this.points.readRecords([id]);
    if (!before) throw new NotFoundError('ServicePoint', id);
    assertInAreas(caller.viewer, before.areaCode, id);
    return this.writeOne(change(before), caller, 'update', new Map([[id, before]]));
  }

  private async writeOne(
    record: ServicePointInput,
    caller: WriteCaller,
    expect: 'create' | 'update',
    readVersions?: Map<string, ServicePointInput>,
    catalogue?: Map<string, DelegationLevel>,
  ): Promise<ServicePoint> {
    assertInAreas(caller.viewer, record.areaCode, record.id);
    const report = await this.apply([{ index: 1, line: 1, value: record }], { mode: WriteMode.ALL_OR_NOTHING, expect, readVersions, ...caller }, catalogue);
    if (report.problems.length) {
      const reasons = report.problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason));
      const message = `The service point was not saved: ${reasons.join(' ')}`;
      const codes = new Set(report.problems.map(problemCode));
      // A concurrent update first: after reading again, the other problems may be gone or different.
      if (codes.has('CONFLICT')) throw new ConflictError(message, { problems: report.problems });
      if (codes.has('FORBIDDEN')) throw new ForbiddenError(message, { problems: report.problems });
      throw new BadInputError(message, { problems: report.problems });
    }
    const [saved] = await this.points.findByIds([record.id]);
    return saved!;
  }

  private spec(catalogue: Map<string, DelegationLevel>): WriteSpec<ServicePointInput> {
    const tolerance = this.config.boundaryToleranceMeters;
    return {
      entity: 'service_point',
      keyOf: (r) => r.id,
      areaOf: (r) => r.areaCode,
      placeOf: (r) => ({ countyCode: typeof r.areaCode === 'string' ? r.areaCode.slice(0, 6) : '', longitude: r.longitude, latitude: r.latitude }),
      validate: (r) => servicePointProblems(r, catalogue),
      checkPlaces: async (manager, records) => {
        const checks = await this.areas.checkPlaces(manager, records, tolerance);
        const out = new Map<number, FieldProblem[]>();
        checks.forEach((c, i) => {
          const r = records[i]!;
          const found: FieldProblem[] = [];
          if (c.areaLevel === null) found.push({ field: 'areaCode', reason: `area ${r.areaCode} does not exist (the areas query lists codes).` });
          if (r.villageCode && c.villageTownship === null) found.push({ field: 'villageCode', reason: `village ${r.villageCode} does not exist.` });
          if (c.inside === false) {
            found.push({ field: 'location', reason: `(${r.longitude}, ${r.latitude}) lies outside county ${r.areaCode.slice(0, 6)} (more than ${tolerance} m beyond its boundary); check the coordinates and their crs.` });
          }
          if (found.length) out.set(i, found);
        });
        return out;
      },
      lock: async (manager, keys) => new Map((await this.points.lockRecords(manager, keys)).map((r) => [r.id, r])),
      write: (manager, records) => this.points.upsertMany(manager, records),
      diff: (before, after) => diffFields(before, after, FIELDS),
    };
  }
}

function assertInAreas(viewer: Viewer, areaCode: string, id: string): void {
  if (typeof areaCode === 'string' && isInViewerAreas(viewer, areaCode)) return;
  throw new ForbiddenError(`Service point ${id} lies in area ${areaCode}, outside this key's areas (${viewer.areaCodes.join(', ') || 'none'}).`, { areaCode });
}
