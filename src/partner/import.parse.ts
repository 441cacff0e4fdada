import { parse as parseCsv } from 'csv-parse/sync';
import { getNodeValue, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { BadInputError } from '../common/errors';
import { nestingExceeded, textDepth } from '../common/nesting';
import { ImportFormat, type FieldProblem } from '../write/write-report.type';

/** One record of an import file: its line, and its fields by canonical name (CSV: strings; GeoJSON: JSON values). */
export interface RawRecord {
  readonly line: number;
  readonly fields: Record<string, unknown>;
  /** Structural problems found while reading (wrong column count, not a Point feature). */
  readonly problems: FieldProblem[];
}

/** Header names are matched loosely: case, "_", "-" and spaces do not matter (area_code = areaCode = Area Code). */
export function canonicalFieldName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

/** What a GeoJSON property must hold: text (a string), a number, or item codes (a string or a list of strings). */
export type ColumnType = 'text' | 'number' | 'codes';

export interface ImportColumns {
  /** Canonical name → the name used in messages. */
  readonly known: ReadonlyMap<string, string>;
  readonly required: readonly string[];
  /** Canonical name → the JSON type its GeoJSON property must have (CSV fields are all text, parsed later). */
  readonly types: ReadonlyMap<string, ColumnType>;
  /** Canonical name → the record field that row problems name (area_code → areaCode). */
  readonly fields: ReadonlyMap<string, string>;
}

/** A JSON value as a message names it: `the number 5`, `the string "5"`, `an object`. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** Why a GeoJSON property's value is not of its column's type (null or absent is fine: the rules decide), or null. */
function typeProblem(property: string, value: unknown, type: ColumnType | undefined): string | null {
  if (value === null || value === undefined || type === undefined) return null;
  if (type === 'text') return typeof value === 'string' ? null : `${property} must be a string (got ${describeValue(value)}); GeoJSON properties are not converted.`;
  if (type === 'number') return typeof value === 'number' ? null : `${property} must be a number (got ${describeValue(value)}); GeoJSON properties are not converted.`;
  if (typeof value === 'string') return null;
  const expected = `${property} must be a string or a list of strings`;
  if (!Array.isArray(value)) return `${expected} (got ${describeValue(value)}).`;
  const odd = value.find((v) => typeof v !== 'string');
  return odd === undefined ? null : `${expected} (got a list holding ${describeValue(odd)}).`;
}

export interface ReadOptions {
  /** Deepest nesting a GeoJSON file may have (MAX_NESTING_DEPTH); a FeatureCollection of Points needs 5. */
  readonly maxNestingDepth: number;
}

/**
 * Reads a whole import file into records with line numbers. A file that cannot be read at all (not CSV or JSON,
 * unknown or missing columns, not a FeatureCollection) is refused as a whole with BAD_USER_INPUT (LIMIT_EXCEEDED
 * when nested deeper than MAX_NESTING_DEPTH); row-level problems are left for the write pipeline to report with
 * every other bad row.
 */
export function readImportFile(format: ImportFormat, content: string, columns: ImportColumns, options: ReadOptions): RawRecord[] {
  return format === ImportFormat.CSV ? readCsv(content, columns) : readGeoJson(content, columns, options);
}

function readCsv(content: string, columns: ImportColumns): RawRecord[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(content, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof rows;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new BadInputError(`The CSV cannot be read${e.lines ? ` (line ${e.lines})` : ''}: ${e.message ?? 'unknown error'}`, { argument: 'content' });
  }
  if (rows.length === 0) throw new BadInputError('The CSV is empty: it needs a header row and at least one data row.', { argument: 'content' });
  const written = rows[0]!.record;
  const header = written.map(canonicalFieldName);
  // One column named twice (also loosely: area_code and areaCode) would leave it unclear which value counts.
  const twice = header.flatMap((name, i) => {
    const first = header.indexOf(name);
    return first < i ? [`"${written[first]}" and "${written[i]}" name the same column (columns ${first + 1} and ${i + 1})`] : [];
  });
  if (twice.length) throw new BadInputError(`The CSV header names a column twice: ${twice.join('; ')}. Keep one of each.`, { argument: 'content' });
  checkColumns(header, columns, 'column');
  return rows.slice(1).map(({ record, info }) => {
    const fields: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const value = record[i];
      fields[name] = value === undefined || value === '' ? null : value;
    });
    const problems: FieldProblem[] =
      record.length === header.length ? [] : [{ field: null, reason: `the row has ${record.length} fields but the header has ${header.length}.` }];
    return { line: info.lines, fields, problems };
  });
}

function readGeoJson(content: string, columns: ImportColumns, options: ReadOptions): RawRecord[] {
  // jsonc-parser builds and reads its tree recursively: refuse deep nesting before it runs out of stack.
  const nesting = textDepth(content, 'json');
  if (nesting.depth > options.maxNestingDepth) {
    const line = lineFinder(content)(nesting.at);
    throw nestingExceeded('The GeoJSON', options.maxNestingDepth, nesting.depth, `It goes that deep on line ${line}; a FeatureCollection of Points needs 5 levels.`);
  }
  const errors: ParseError[] = [];
  const tree = parseTree(content, errors, { allowTrailingComma: false, disallowComments: true });
  if (!tree || errors.length > 0) {
    const at = errors[0] ? lineFinder(content)(errors[0].offset) : 1;
    throw new BadInputError(`The GeoJSON is not valid JSON (line ${at}).`, { argument: 'content' });
  }
  const root = getNodeValue(tree) as { type?: unknown; features?: unknown };
  if (root?.type !== 'FeatureCollection' || !Array.isArray(root.features)) {
    throw new BadInputError('The GeoJSON must be a FeatureCollection with a "features" array of Point features.', { argument: 'content' });
  }
  const featureNodes: Node[] = tree.children?.find((p) => p.children?.[0]?.value === 'features')?.children?.[1]?.children ?? [];
  const names = new Set<string>();
  const lineOf = lineFinder(content);
  const records = (root.features as unknown[]).map((feature, i) => {
    const line = lineOf(featureNodes[i]?.offset ?? 0);
    const problems: FieldProblem[] = [];
    const f = feature as { type?: unknown; geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown };
    const fields: Record<string, unknown> = {};
    if (f?.type !== 'Feature') problems.push({ field: null, reason: 'not a GeoJSON Feature.' });
    const props = f?.properties && typeof f.properties === 'object' && !Array.isArray(f.properties) ? (f.properties as Record<string, unknown>) : {};
    // Property name as written, by canonical name: `area_code` and `areaCode` in one feature are one field given twice.
    const written = new Map<string, string>();
    for (const [k, v] of Object.entries(props)) {
      const name = canonicalFieldName(k);
      names.add(name);
      const field = columns.fields.get(name) ?? k;
      const earlier = written.get(name);
      if (earlier !== undefined) {
        problems.push({ field, reason: `"${earlier}" and "${k}" are the same property; give it once.` });
        continue;
      }
      written.set(name, k);
      // Values of the wrong type are rejected rather than converted (no `name: 5`, `population: "5"`, objects as text).
      const wrong = typeProblem(k, v, columns.types.get(name));
      if (wrong) problems.push({ field, reason: wrong });
      else fields[name] = v;
    }
    const coords = f?.geometry?.type === 'Point' && Array.isArray(f.geometry.coordinates) ? (f.geometry.coordinates as unknown[]) : null;
    if (!coords || coords.length < 2 || typeof coords[0] !== 'number' || typeof coords[1] !== 'number') {
      problems.push({ field: 'geometry', reason: 'the geometry must be a Point with [longitude, latitude] numbers.' });
    }
    else {
      fields.longitude = coords[0];
      fields.latitude = coords[1];
    }
    return { line, fields, problems };
  });
  checkColumns([...names, 'longitude', 'latitude'], columns, 'property', records);
  return records;
}

function checkColumns(names: readonly string[], columns: ImportColumns, what: string, records?: RawRecord[]): void {
  const unknown = names.filter((n) => !columns.known.has(n));
  if (unknown.length) {
    throw new BadInputError(`Unknown ${what}s: ${unknown.join(', ')}. Known: ${[...columns.known.values()].join(', ')}.`, { argument: 'content' });
  }
  // In GeoJSON a property may be missing from some features only; those rows are reported, not the file.
  if (records) return;
  const missing = columns.required.filter((r) => !names.includes(r));
  if (missing.length) throw new BadInputError(`Missing ${what}s: ${missing.map((m) => columns.known.get(m)).join(', ')}.`, { argument: 'content' });
}

/** offset → 1-based line, by binary search over the line starts (files have tens of thousands of features). */
function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
