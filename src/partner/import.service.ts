import { LimitExceededError } from '../common/errors';
import type { Config } from '../config/config';
import { convertGeometry, type Crs } from '../geo/convert-geometry';
import { ServicePointStatus, type ServicePointKind } from '../service-point/service-point-kind.enum';
import type { ServicePointInput } from '../service-point/service-point.repository';
import type { ServicePointWriteService, WriteCaller } from '../service-point/service-point-write.service';
import type { VillageInput } from '../village/village.repository';
import { VillageWriteService } from '../village/village-write.service';
import { canonicalFieldName, readImportFile, type ColumnType, type ImportColumns, type RawRecord } from './import.parse';
import { WriteMode, type ImportFormat, type RowProblem, type SourceRow, type WriteReport } from '../write/write-report.type';

export interface ImportRequest {
  format: ImportFormat;
  content: string;
  mode: WriteMode;
  /** The system of the file's coordinates; stored as WGS-84. */
  crs: Crs;
  dryRun: boolean;
}

/** Columns by name (snake_case; the record field is its camelCase), each with the type its GeoJSON property must have. */
const columns = (types: Record<string, ColumnType>, required: string[]): ImportColumns => {
  const names = Object.keys(types);
  return {
    known: new Map(names.map((n) => [canonicalFieldName(n), n])),
    required: required.map(canonicalFieldName),
    types: new Map(names.map((n) => [canonicalFieldName(n), types[n]!])),
    fields: new Map(names.map((n) => [canonicalFieldName(n), n.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())])),
  };
};

const SERVICE_POINT_COLUMNS = columns(
  {
    id: 'text',
    name: 'text',
    kind: 'text',
    status: 'text',
    area_code: 'text',
    village_code: 'text',
    longitude: 'number',
    latitude: 'number',
    address: 'text',
    phone: 'text',
    opening_hours: 'text',
    item_codes: 'codes',
  },
  ['id', 'name', 'kind', 'area_code', 'longitude', 'latitude'],
);
const VILLAGE_COLUMNS = columns(
  { code: 'text', name: 'text', longitude: 'number', latitude: 'number', population: 'number' },
  ['code', 'name', 'longitude', 'latitude', 'population'],
);

/**
 * Bulk imports of service points and villages from CSV or GeoJSON: read the file, turn each record into a write
 * record (WGS-84), and hand the batch to the same validated, audited write path as the mutations.
 */
export class ImportService {
  constructor(
    private readonly points: ServicePointWriteService,
    private readonly villages: VillageWriteService,
    private readonly config: Config,
  ) {}

  async importServicePoints(request: ImportRequest, caller: WriteCaller, onProgress?: (done: number, total: number) => void): Promise<WriteReport> {
    const records = this.read(request, SERVICE_POINT_COLUMNS);
    const catalogue = await this.points.catalogue();
    const rows = records.map((r, i) => ({ index: i + 1, line: r.line, value: this.points.withItems(servicePointOf(r, request.crs), catalogue) }));
    return this.run(records, rows, request, (good, options) => this.points.apply(good, { ...options, ...caller, onProgress }, catalogue));
  }

  async importVillages(request: ImportRequest, caller: WriteCaller, onProgress?: (done: number, total: number) => void): Promise<WriteReport> {
    const records = this.read(request, VILLAGE_COLUMNS);
    const rows = records.map((r, i) => ({ index: i + 1, line: r.line, value: villageOf(r, request.crs) }));
    return this.run(records, rows, request, (good, options) => this.villages.apply(good, { ...options, ...caller, onProgress }));
  }

  private read(request: ImportRequest, cols: ImportColumns): RawRecord[] {
    const bytes = Buffer.byteLength(request.content, 'utf8');
    if (bytes > this.config.imports.maxBytes) {
      throw new LimitExceededError(`The import is ${bytes.toLocaleString('en')} bytes; the limit is ${this.config.imports.maxBytes.toLocaleString('en')} (IMPORT_MAX_BYTES). Split the file.`, {
        limit: this.config.imports.maxBytes,
      });
    }
    const records = readImportFile(request.format, request.content, cols, { maxNestingDepth: this.config.limits.maxNestingDepth });
    if (records.length > this.config.imports.maxRows) {
      throw new LimitExceededError(`The import has ${records.length.toLocaleString('en')} rows; the limit is ${this.config.imports.maxRows.toLocaleString('en')} (IMPORT_MAX_ROWS). Split the file.`, {
        limit: this.config.imports.maxRows,
      });
    }
    return records;
  }

  /** Rows the reader already found broken skip the pipeline but are reported with the rest, and count for ALL_OR_NOTHING. */
  private async run<R>(
    records: RawRecord[],
    rows: SourceRow<R>[],
    request: ImportRequest,
    apply: (good: SourceRow<R>[], options: { mode: WriteMode; expect: 'upsert'; validateOnly: boolean }) => Promise<WriteReport>,
  ): Promise<WriteReport> {
    const readProblems: RowProblem[] = [];
    const good: SourceRow<R>[] = [];
    records.forEach((r, i) => {
      if (r.problems.length === 0) good.push(rows[i]!);
      else for (const p of r.problems) readProblems.push({ index: i + 1, line: r.line, key: keyOf(r), field: p.field, reason: p.reason });
    });
    const blocked = request.mode === WriteMode.ALL_OR_NOTHING && readProblems.length > 0;
    const report = await apply(good, { mode: request.mode, expect: 'upsert', validateOnly: request.dryRun || blocked });
    const problems = [...readProblems, ...report.problems].sort((a, b) => a.index - b.index);
    const badRows = records.length - good.length + report.rejected;
    const rejectAll = request.mode === WriteMode.ALL_OR_NOTHING && problems.length > 0;
    return {
      ...report,
      rowsRead: records.length,
      problems,
      rejected: rejectAll ? records.length : badRows,
      ...(rejectAll ? { created: 0, updated: 0, unchanged: 0 } : {}),
    };
  }
}

function keyOf(r: RawRecord): string | null {
  const key = r.fields.id ?? r.fields.code;
  return typeof key === 'string' || typeof key === 'number' ? String(key) : null;
}

/** CSV gives strings, GeoJSON JSON values: numbers from either; anything else is NaN and fails validation. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return Number(value);
  return Number.NaN;
}

/** CSV fields and (checked by the reader) GeoJSON text properties are strings; anything else is no value. */
function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value.trim() : null;
}

function positionOf(r: RawRecord, crs: Crs): [number, number] {
  const lon = numberOf(r.fields.longitude);
  const lat = numberOf(r.fields.latitude);
  const inRange = Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
  return inRange && crs !== 'WGS84' ? convertGeometry([lon, lat] as [number, number], crs, 'WGS84') : [lon, lat];
}

/** A list of item codes as a file gives it: a JSON array, or a string split on ; | , or spaces; null when absent or empty. */
function codeListOf(value: unknown): string[] | null {
  return Array.isArray(value)
    ? value.filter((c): c is string => typeof c === 'string')
    : typeof value === 'string' && value.trim() !== ''
      ? value.split(/[;|,\s]+/).filter(Boolean)
      : null;
}

function servicePointOf(r: RawRecord, crs: Crs): Omit<ServicePointInput, 'itemCodes' | 'assistedItemCodes'> & { itemCodes: string[] | null; assistedItemCodes: string[] | null } {
  const f = r.fields;
  const [longitude, latitude] = positionOf(r, crs);
  const itemCodes = codeListOf(f.itemcodes);
  return {
    id: textOf(f.id) as string,
    name: textOf(f.name) as string,
    kind: (textOf(f.kind)?.toUpperCase() ?? null) as ServicePointKind,
    status: (textOf(f.status)?.toUpperCase() ?? ServicePointStatus.ACTIVE) as ServicePointStatus,
    longitude,
    latitude,
    areaCode: textOf(f.areacode) as string,
    villageCode: textOf(f.villagecode),
    address: textOf(f.address),
    phone: textOf(f.phone),
    openingHours: textOf(f.openinghours),
    locationSynthetic: false,
    itemCodes,
    assistedItemCodes: codeListOf(f.assisteditemcodes),
  };
}

function villageOf(r: RawRecord, crs: Crs): VillageInput {
  const [longitude, latitude] = positionOf(r, crs);
  return VillageWriteService.record(textOf(r.fields.code) as string, textOf(r.fields.name) as string, longitude, latitude, numberOf(r.fields.population));
}
