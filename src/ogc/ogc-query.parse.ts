import { BadInputError } from '../common/errors';
import type { OgcCollectionSpec, OgcParameterValue } from './ogc-collections';

/** Min lon, min lat, max lon, max lat in CRS84 (WGS-84 degrees, longitude first). */
export type BBox = readonly [number, number, number, number];

/** The query string as express parses it: a string per parameter, an array when one is given more than once. */
export type RawQuery = Readonly<Record<string, unknown>>;

/** The collection's own parameters, checked (the others are `limit`, `bbox`, `datetime`, `cursor`, `f`). */
export type CollectionParams = Readonly<Record<string, OgcParameterValue>>;

export interface ItemsQuery {
  /** Features per page: `limit`, else the default; above the collection's maximum, the maximum. */
  readonly limit: number;
  readonly bbox: BBox | null;
  /** Opaque: where the previous page ended (the `next` link's). */
  readonly cursor: string | null;
  readonly params: CollectionParams;
  /** The request's parameters in a fixed order, without `cursor` and `f`: the self and next links are made of them. */
  readonly canonical: readonly (readonly [string, string])[];
}

export interface PageSizes {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

/** Parameters every request takes: `f` (the format; only JSON is served). */
const FORMATS = { document: ['json'], features: ['json', 'geojson'] } as const;

/** Parameters of /items besides the collection's own. */
const ITEMS_PARAMETERS = ['limit', 'bbox', 'datetime', 'cursor', 'f'] as const;

const show = (raw: string, n = 60) => JSON.stringify(raw.length > n ? `${raw.slice(0, n)}…` : raw);

/** The one value of a parameter, or null when absent; 400 when it is given twice, or empty. */
function single(query: RawQuery, name: string): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new BadInputError(`The query parameter ${name} is given more than once; give it once.`, { argument: name });
  if (value === '') throw new BadInputError(`The query parameter ${name} is empty; give a value or leave it out.`, { argument: name });
  return value;
}

/** 400 naming every parameter of `query` not in `allowed`, and what is allowed. */
function rejectUnknown(query: RawQuery, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(query).filter((name) => !allowed.includes(name));
  if (unknown.length === 0) return;
  const names = unknown.slice(0, 5).map((n) => show(n, 40)).join(', ');
  throw new BadInputError(
    `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${names}${unknown.length > 5 ? ' …' : ''} for ${where}; it takes ${allowed.join(', ')}.`,
    { argument: unknown[0]!.slice(0, 40), allowed },
  );
}

function parseFormat(query: RawQuery, formats: readonly string[]): void {
  const f = single(query, 'f');
  if (f !== null && !formats.includes(f.toLowerCase())) {
    throw new BadInputError(`f must be ${formats.join(' or ')} (this API answers in JSON: GeoJSON for features; no HTML), got ${show(f, 20)}.`, { argument: 'f' });
  }
}

/** Landing page, conformance, the OpenAPI document and the list of collections: `f` only. */
export function parseDocumentQuery(query: RawQuery, where: string): void {
  rejectUnknown(query, ['f'], where);
  parseFormat(query, FORMATS.document);
}

/** The collection's own parameters present in `query`, checked. */
function parseCollectionParams(collection: OgcCollectionSpec, query: RawQuery): { params: CollectionParams; canonical: [string, string][] } {
  const params: Record<string, OgcParameterValue> = {};
  const canonical: [string, string][] = [];
  for (const p of collection.parameters) {
    const raw = single(query, p.name);
    if (raw === null) continue;
    let value: OgcParameterValue;
    try {
      value = p.parse(raw);
    } catch (err) {
      throw new BadInputError((err as Error).message, { argument: p.name });
    }
    params[p.name] = value;
    canonical.push([p.name, Array.isArray(value) ? value.join(',') : String(value)]);
  }
  return { params, canonical };
}

/**
 * A collection's description and a single feature: `f` and the collection's own parameters (which the collection's
 * links then carry, and a feature must match), so a client may open a collection with them (GDAL's
 * `OAPIF:…/collections/villages?countyCode=520121`).
 */
export function parseCollectionQuery(collection: OgcCollectionSpec, query: RawQuery, where: string): { params: CollectionParams; canonical: readonly (readonly [string, string])[] } {
  rejectUnknown(query, [...collection.parameters.map((p) => p.name), 'f'], where);
  parseFormat(query, FORMATS.features);
  return parseCollectionParams(collection, query);
}

/** `limit`: a positive integer; above the maximum it is taken as the maximum (OGC API Features, /req/core/fc-limit-response-1). */
export function parseLimit(raw: string | null, sizes: PageSizes): number {
  if (raw === null) return Math.min(sizes.defaultLimit, sizes.maxLimit);
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1) {
    throw new BadInputError(`limit must be a whole number from 1 to ${sizes.maxLimit} (larger ones are taken as ${sizes.maxLimit}), got ${show(raw, 20)}.`, {
      argument: 'limit',
    });
  }
  return Math.min(Number(raw), sizes.maxLimit);
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?$/;

/**
 * `bbox`: min lon, min lat, max lon, max lat in CRS84 (4 numbers; with 6, the 3rd and 6th are heights and are not
 * looked at). Longitudes within ±180, latitudes within ±90, min ≤ max (a box across the antimeridian is refused:
 * the data lies in China).
 */
export function parseBbox(raw: string): BBox {
  const parts = raw.split(',');
  const bad = (why: string) =>
    new BadInputError(`bbox must be min longitude, min latitude, max longitude, max latitude in WGS-84 degrees (CRS84), e.g. bbox=106.6,26.9,107.3,27.3: ${why}.`, {
      argument: 'bbox',
    });
  if (parts.length !== 4 && parts.length !== 6) throw bad(`got ${parts.length} value${parts.length === 1 ? '' : 's'}`);
  const numbers = parts.map((p) => {
    const t = p.trim();
    if (!NUMBER.test(t)) throw bad(`${show(t, 20)} is not a number`);
    const n = Number(t);
    if (!Number.isFinite(n)) throw bad(`${show(t, 20)} is not finite`);
    return n;
  });
  const [minX, minY, maxX, maxY] = parts.length === 6 ? [numbers[0]!, numbers[1]!, numbers[3]!, numbers[4]!] : (numbers as [number, number, number, number]);
  for (const lon of [minX, maxX]) if (lon < -180 || lon > 180) throw bad(`longitude ${lon} is outside -180 to 180`);
  for (const lat of [minY, maxY]) if (lat < -90 || lat > 90) throw bad(`latitude ${lat} is outside -90 to 90`);
  if (minY > maxY) throw bad(`the min latitude ${minY} is above the max latitude ${maxY}`);
  if (minX > maxX) throw bad(`the min longitude ${minX} is east of the max longitude ${maxX} (a box across the antimeridian is not supported)`);
  return [minX, minY, maxX, maxY];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * `datetime`: an RFC 3339 instant or interval (`a/b`, either end `..` or empty for open). Checked, then without
 * effect: the features here have no time (they are the data as it is now).
 */
export function parseDatetime(raw: string): void {
  const ends = raw.split('/');
  const instant = (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s));
  const ok = ends.length === 1 ? instant(ends[0]!) : ends.length === 2 && ends.some((e) => e !== '..' && e !== '') ? ends.every((e) => e === '..' || e === '' || instant(e)) : false;
  if (!ok) {
    throw new BadInputError(`datetime must be an RFC 3339 date-time or interval (e.g. 2026-01-01T00:00:00Z or 2026-01-01T00:00:00Z/..), got ${show(raw, 40)}.`, {
      argument: 'datetime',
    });
  }
}

/** /items: `limit`, `bbox`, `datetime`, `cursor`, `f` and the collection's own parameters; 400 for anything else. */
export function parseItemsQuery(collection: OgcCollectionSpec, query: RawQuery, sizes: PageSizes): ItemsQuery {
  rejectUnknown(query, [...ITEMS_PARAMETERS, ...collection.parameters.map((p) => p.name)], `/collections/${collection.id}/items`);
  parseFormat(query, FORMATS.features);
  const limit = parseLimit(single(query, 'limit'), sizes);
  const bboxText = single(query, 'bbox');
  const bbox = bboxText === null ? null : parseBbox(bboxText);
  const datetime = single(query, 'datetime');
  if (datetime !== null) parseDatetime(datetime);
  const cursor = single(query, 'cursor');
  if (cursor !== null && !/^[A-Za-z0-9_-]{1,1000}$/.test(cursor)) {
    throw new BadInputError('cursor is not one this server issued; follow the `next` link of the previous page, or start without it.', { argument: 'cursor' });
  }
  const { params, canonical } = parseCollectionParams(collection, query);
  const links: [string, string][] = [...canonical, ['limit', String(limit)]];
  if (bbox) links.push(['bbox', bboxText!.split(',').map((p) => p.trim()).join(',')]);
  if (datetime !== null) links.push(['datetime', datetime]);
  return { limit, bbox, cursor, params, canonical: links };
}

/** The value of a text parameter (null when absent). */
export function textParam(params: CollectionParams, name: string): string | null {
  const v = params[name];
  return typeof v === 'string' ? v : null;
}

/** The values of a list parameter (null when absent). */
export function listParam(params: CollectionParams, name: string): readonly string[] | null {
  const v = params[name];
  return Array.isArray(v) ? (v as readonly string[]) : null;
}

/** The value of a number parameter (null when absent). */
export function numberParam(params: CollectionParams, name: string): number | null {
  const v = params[name];
  return typeof v === 'number' ? v : null;
}
