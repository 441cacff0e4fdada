import { ServicePointKind } from './service-point-kind.enum';
import { DelegationLevel } from '../service-item/delegation-level.enum';

const LEVEL_RANK: Record<DelegationLevel, number> = { VILLAGE: 0, TOWNSHIP: 1, COUNTY: 2 };

/** The delegation level a kind of point works at; hospital stations have no level (their items are listed explicitly). */
export function levelOfKind(kind: ServicePointKind): DelegationLevel | null {
  switch (kind) {
    case ServicePointKind.VILLAGE_POINT:
      return DelegationLevel.VILLAGE;
    case ServicePointKind.TOWNSHIP_STATION:
      return DelegationLevel.TOWNSHIP;
    case ServicePointKind.COUNTY_HALL:
      return DelegationLevel.COUNTY;
    case ServicePointKind.HOSPITAL_STATION:
      return null;
  }
}

/** A point at a level handles every item delegated to its level and to the levels below it. */
export function levelHandlesItem(pointLevel: DelegationLevel, itemLevel: DelegationLevel): boolean {
  return LEVEL_RANK[itemLevel] <= LEVEL_RANK[pointLevel];
}

/** The item codes a point of `kind` offers by default (none for hospital stations, whose set is configured). */
export function defaultItemCodes(kind: ServicePointKind, catalogue: readonly { code: string; delegationLevel: DelegationLevel }[]): string[] {
  const level = levelOfKind(kind);
  if (level === null) return [];
  return catalogue.filter((item) => levelHandlesItem(level, item.delegationLevel)).map((item) => item.code);
}
