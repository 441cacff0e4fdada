import type { Feature, FeatureCollection, Point } from 'geojson';
import type { CsvValue } from '../common/csv-cell';
import { csvFile } from './csv-file';
import type { ExportFormat } from './export-query.parse';
import type { ExportTable } from './export.service';

export const MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8; header=present',
  geojson: 'application/geo+json; charset=utf-8',
};

/**
 * The provenance columns every CSV row ends with (a spreadsheet keeps no file-level metadata, and a comment line
 * before the header would be read as data): what was asked, and the data version, travel model and method the
 * figures come from, as GraphQL's `provenance` says them.
 */
export const PROVENANCE_COLUMNS = ['itemCode', 'mode', 'minutes', 'travelModel', 'method', 'handling', 'dataVersion', 'computedAt', 'scenarioKey', 'scenarioId', 'crs'] as const;

function provenanceCells(table: ExportTable): CsvValue[] {
  const p = table.provenance;
  return [table.itemCode, p.mode, p.minutes, p.travelModel, p.method, p.handling.join(','), p.dataVersion, p.computedAt, p.scenario?.key ?? null, p.scenario?.savedId ?? null, table.crs];
}

/** The table as a CSV file: UTF-8 with a BOM, CRLF, a header row of the column names, then a row per village or site. */
export function toCsvFile(table: ExportTable): Buffer {
  const provenance = provenanceCells(table);
  return csvFile(
    [...table.columns, ...PROVENANCE_COLUMNS],
    table.rows.map((row) => [...table.columns.map((c) => row.cells[c] ?? null), ...provenance]),
  );
}

/**
 * The table as an RFC 7946 FeatureCollection of Points (each row's columns but longitude and latitude as
 * properties), with foreign members: `provenance` (as GraphQL's), what the answer says as a whole, and the
 * coordinate system when it is not WGS-84 (GCJ02, BD09: for Chinese web maps; RFC 7946 itself means WGS-84).
 */
export function toGeoJson(table: ExportTable): FeatureCollection<Point> & Record<string, unknown> {
  const properties = table.columns.filter((c) => c !== 'longitude' && c !== 'latitude');
  const features = table.rows.map(
    (row): Feature<Point> => ({
      type: 'Feature',
      id: row.id,
      geometry: { type: 'Point', coordinates: [row.position[0]!, row.position[1]!] },
      properties: Object.fromEntries(properties.map((c) => [c, row.cells[c] ?? null])),
    }),
  );
  return {
    type: 'FeatureCollection',
    ...(table.crs === 'WGS84' ? {} : { coordinateSystem: table.crs }),
    ...table.summary,
    provenance: table.provenance,
    features,
  };
}

/** `value` as it may stand in a file name (ASCII letters, digits, dot, hyphen, underscore). */
const safe = (value: string) => value.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);

/**
 * The file name an export is saved as, naming what it is and what it was computed from, e.g.
 * `gaps-520121-CHRONIC_DISEASE_CERT-EBIKE-15min-STRAIGHT_LINE-v22.csv` (with `-scenario-<key>` under a scenario,
 * `-GCJ02` in other coordinates).
 */
export function exportFileName(table: ExportTable, format: ExportFormat): string {
  const p = table.provenance;
  const parts = [
    table.kind,
    table.areaCode,
    table.itemCode ?? 'ANY_ITEM',
    p.mode,
    `${p.minutes}min`,
    p.travelModel,
    `v${p.dataVersion}`,
    ...(p.handling.length === 1 && p.handling[0] === 'IN_PERSON' ? [] : [p.handling.join('+')]),
    ...(p.scenario ? [`scenario-${p.scenario.key}`] : []),
    ...(table.crs === 'WGS84' ? [] : [table.crs]),
  ];
  return `${parts.map((x) => safe(String(x))).join('-')}.${format}`;
}

/** HTTP headers saying what an export is and how it was computed (ASCII only, as HTTP headers must be). */
export function provenanceHeaders(table: ExportTable, format: ExportFormat): [string, string][] {
  const p = table.provenance;
  const name = exportFileName(table, format);
  return [
    ['Content-Disposition', `attachment; filename="${name}"`],
    ['Data-Version', p.dataVersion],
    ['X-Data-Version', p.dataVersion],
    ['X-Travel-Model', p.travelModel],
    ['X-Travel-Mode', p.mode],
    ['X-Budget-Minutes', String(p.minutes)],
    ['X-Coverage-Method', p.method],
    ['X-Handling', p.handling.join(',')],
    ['X-Computed-At', p.computedAt],
    ['X-Row-Count', String(table.rows.length)],
    ...(p.scenario ? ([['X-Scenario', `${p.scenario.key}${p.scenario.savedId ? `; id=${p.scenario.savedId}` : ''}`]] as [string, string][]) : []),
    ['X-Synthetic-Data', String(p.syntheticData)],
  ];
}
