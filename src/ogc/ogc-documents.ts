import type { BBox, ItemsQuery } from './ogc-query.parse';
import type { OgcCollectionSpec } from './ogc-collections';
import { CONFORMANCE_CLASSES, CRS84, MEDIA_TYPES } from './ogc-openapi';
import type { ItemsPage, SingleItem } from './ogc.service';

/**
 * The JSON documents of the OGC API (landing page, conformance, collections, feature collections, features) with
 * their links. `base` is the absolute URL of /ogc (clients follow the links as they are: GDAL, QGIS); query
 * parameters are the request's own, checked and in a fixed order.
 */

export interface Link {
  readonly href: string;
  readonly rel: string;
  readonly type: string;
  readonly title?: string;
}

type Params = readonly (readonly [string, string])[];

/** The URL of `path` under /ogc with `params` (in the order given). */
export function ogcUrl(base: string, path: string, params: Params = []): string {
  const q = new URLSearchParams(params.map(([k, v]): [string, string] => [k, v])).toString();
  return `${base}${path}${q ? `?${q}` : ''}`;
}

const API_LINK = (base: string): Link => ({ href: ogcUrl(base, '/api'), rel: 'service-desc', type: MEDIA_TYPES.openapi, title: 'The API description (OpenAPI 3.0)' });

export function landingPage(base: string) {
  return {
    title: 'Service Circle',
    description:
      'The 15-minute medical-insurance service circle as OGC API - Features: service points, villages, administrative areas and coverage gaps, in GeoJSON (CRS84). The same keys and roles as the GraphQL API (/graphql).',
    links: [
      { href: ogcUrl(base, ''), rel: 'self', type: MEDIA_TYPES.json, title: 'This document' },
      API_LINK(base),
      { href: ogcUrl(base, '/conformance'), rel: 'conformance', type: MEDIA_TYPES.json, title: 'Conformance classes' },
      { href: ogcUrl(base, '/collections'), rel: 'data', type: MEDIA_TYPES.json, title: 'The collections' },
    ] satisfies Link[],
  };
}

export function conformance() {
  return { conformsTo: CONFORMANCE_CLASSES };
}

/** A collection: its links (the items link carries `params`, the collection's own parameters), extent and CRS. */
export function collectionDocument(c: OgcCollectionSpec, base: string, params: Params, extent: BBox | null) {
  return {
    id: c.id,
    title: c.title,
    description: `${c.description} Needs the ${c.roles.join(' or ')} role.`,
    links: [
      { href: ogcUrl(base, `/collections/${c.id}`, params), rel: 'self', type: MEDIA_TYPES.json, title: 'This collection' },
      { href: ogcUrl(base, `/collections/${c.id}/items`, params), rel: 'items', type: MEDIA_TYPES.geojson, title: `${c.title} (GeoJSON)` },
      API_LINK(base),
    ] satisfies Link[],
    extent: { spatial: { bbox: [extent ? extent.map((v) => Math.round(v * 1e6) / 1e6) : [-180, -90, 180, 90]], crs: CRS84 } },
    itemType: 'feature',
    crs: [CRS84],
    storageCrs: CRS84,
  };
}

export function collectionsDocument(base: string, collections: readonly ReturnType<typeof collectionDocument>[], dataVersion: string) {
  return {
    links: [{ href: ogcUrl(base, '/collections'), rel: 'self', type: MEDIA_TYPES.json, title: 'The collections' }] satisfies Link[],
    collections,
    dataVersion,
  };
}

/** A page of features: the self link (with the cursor it was asked with), the next one while more match. */
export function featureCollectionDocument(c: OgcCollectionSpec, base: string, query: ItemsQuery, page: ItemsPage, dataVersion: string, now = new Date()) {
  const items = `/collections/${c.id}/items`;
  const links: Link[] = [
    { href: ogcUrl(base, items, query.cursor ? [...query.canonical, ['cursor', query.cursor]] : query.canonical), rel: 'self', type: MEDIA_TYPES.geojson, title: 'This page' },
    { href: ogcUrl(base, `/collections/${c.id}`), rel: 'collection', type: MEDIA_TYPES.json, title: c.title },
  ];
  if (page.nextCursor) links.push({ href: ogcUrl(base, items, [...query.canonical, ['cursor', page.nextCursor]]), rel: 'next', type: MEDIA_TYPES.geojson, title: 'The next page' });
  return {
    type: 'FeatureCollection',
    features: page.features,
    links,
    timeStamp: now.toISOString(),
    numberMatched: page.numberMatched,
    numberReturned: page.features.length,
    dataVersion,
    ...page.members,
  };
}

/** One feature with its self and collection links. */
export function featureDocument(c: OgcCollectionSpec, base: string, featureId: string, params: Params, item: SingleItem, dataVersion: string) {
  return {
    ...item.feature,
    links: [
      { href: ogcUrl(base, `/collections/${c.id}/items/${encodeURIComponent(featureId)}`, params), rel: 'self', type: MEDIA_TYPES.geojson, title: 'This feature' },
      { href: ogcUrl(base, `/collections/${c.id}`, params), rel: 'collection', type: MEDIA_TYPES.json, title: c.title },
    ] satisfies Link[],
    dataVersion,
    ...item.members,
  };
}
