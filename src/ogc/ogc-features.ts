import type { Feature, MultiPolygon, Point } from 'geojson';
import type { Area } from '../area/area.entity';
import type { AreaVillageStats } from '../area/area.repository';
import type { CoverageProvenance, VillageCoverage } from '../coverage/coverage.type';
import type { ServiceItem } from '../service-item/service-item.entity';
import type { ServicePoint } from '../service-point/service-point.entity';
import type { Village } from '../village/village.entity';

/**
 * The features of the OGC API collections, made from the same records GraphQL answers with (read through the same
 * loaders), so both give the same values. Coordinates are WGS-84 longitude, latitude (CRS84), as stored. Every
 * feature carries every property of its collection (ogc-collections.ts), null where there is no value, so a client
 * that takes its schema from the first page (GDAL, QGIS) sees every field.
 */

export function servicePointFeature(point: ServicePoint, items: readonly ServiceItem[]): Feature<Point> {
  return {
    type: 'Feature',
    id: point.id,
    geometry: point.location,
    properties: {
      id: point.id,
      name: point.name,
      kind: point.kind,
      status: point.status,
      areaCode: point.areaCode,
      villageCode: point.villageCode,
      address: point.address,
      phone: point.phone,
      openingHours: point.openingHours,
      itemCodes: items.map((i) => i.code),
      locationSynthetic: point.locationSynthetic,
    },
  };
}

export function villageFeature(village: Village): Feature<Point> {
  return {
    type: 'Feature',
    id: village.code,
    geometry: village.location,
    properties: {
      code: village.code,
      name: village.name,
      townshipCode: village.townshipCode,
      countyCode: village.countyCode,
      population: village.population,
      locationSynthetic: village.locationSynthetic,
    },
  };
}

export function areaFeature(area: Area, boundary: MultiPolygon | null, stats: AreaVillageStats | null): Feature<MultiPolygon | null> {
  return {
    type: 'Feature',
    id: area.code,
    // GeoJSON allows a feature without a location (RFC 7946 §3.2): townships have no boundary in the data.
    geometry: boundary,
    properties: {
      code: area.code,
      name: area.name,
      level: area.level,
      parentCode: area.parentCode,
      villageCount: stats?.villageCount ?? 0,
      population: stats?.population ?? 0,
    },
  };
}

/** An uncovered village, its nearest counted point, and how the figures were computed (as coverageGaps says it). */
export function coverageGapFeature(
  village: Village,
  gap: VillageCoverage,
  nearest: Pick<ServicePoint, 'id' | 'name'> | null,
  question: { itemCode: string | null; provenance: CoverageProvenance },
): Feature<Point> {
  const { provenance } = question;
  return {
    type: 'Feature',
    id: village.code,
    geometry: village.location,
    properties: {
      code: village.code,
      name: village.name,
      townshipCode: village.townshipCode,
      countyCode: village.countyCode,
      population: village.population,
      nearestServicePointId: gap.nearestPointId,
      nearestServicePointName: nearest?.name ?? null,
      distanceMeters: gap.distanceMeters,
      travelMinutes: gap.travelMinutes,
      offRoadNetwork: gap.offRoadNetwork,
      itemCode: question.itemCode,
      mode: provenance.mode,
      minutes: provenance.minutes,
      travelModel: provenance.travelModel,
      method: provenance.method,
      handling: provenance.handling.join(','),
      dataVersion: provenance.dataVersion,
      scenario: provenance.scenario?.savedId ?? null,
    },
  };
}
