import { checkCoordinates, checkPattern, checkText, compact } from '../write/record-checks';
import { SERVICE_POINT_ID_PATTERN, VILLAGE_CODE_PATTERN } from '../common/codes';
import type { FieldProblem } from '../write/write-report.type';
import type { DelegationLevel } from '../service-item/delegation-level.enum';
import { levelHandlesItem, levelOfKind } from './delegation.rules';
import { ServicePointKind, ServicePointStatus } from './service-point-kind.enum';
import type { ServicePointInput } from './service-point.repository';

const PHONE_PATTERN = /^[0-9+() -]{3,40}$/;
/** County halls sit in a county (6 digits); township stations and village points in a township (9); hospitals in either. */
const AREA_PATTERN_BY_KIND: Record<ServicePointKind, RegExp> = {
  COUNTY_HALL: /^\d{6}$/,
  TOWNSHIP_STATION: /^\d{9}$/,
  VILLAGE_POINT: /^\d{9}$/,
  HOSPITAL_STATION: /^(\d{6}|\d{9})$/,
};

/**
 * Everything about a service-point record that needs no database: formats, ranges, enums, and the item
 * catalogue with its delegation rule (a point handles items of its own level and below; hospital stations
 * list theirs, at least one).
 */
export function servicePointProblems(p: ServicePointInput, catalogue: ReadonlyMap<string, DelegationLevel>): FieldProblem[] {
  const problems = compact([
    checkPattern('id', p.id, SERVICE_POINT_ID_PATTERN, 'TS-520121100 (capital letters, digits, hyphens; 3 to 64)'),
    checkText('name', p.name, 1, 200),
    checkText('address', p.address, 0, 300, true),
    checkPattern('phone', p.phone, PHONE_PATTERN, '0851-87601703', true),
    checkText('openingHours', p.openingHours, 0, 200, true),
    checkPattern('villageCode', p.villageCode, VILLAGE_CODE_PATTERN, '520121001001', true),
  ]);
  problems.push(...checkCoordinates(p.longitude, p.latitude));
  if (!Object.values(ServicePointKind).includes(p.kind)) {
    problems.push({ field: 'kind', reason: `kind ${JSON.stringify(p.kind)} must be one of ${Object.values(ServicePointKind).join(', ')}.` });
    return problems;
  }
  if (!Object.values(ServicePointStatus).includes(p.status)) {
    problems.push({ field: 'status', reason: `status ${JSON.stringify(p.status)} must be one of ${Object.values(ServicePointStatus).join(', ')}.` });
  }
  if (typeof p.areaCode !== 'string' || !AREA_PATTERN_BY_KIND[p.kind].test(p.areaCode)) {
    const wanted = p.kind === 'COUNTY_HALL' ? 'a 6-digit county code' : p.kind === 'HOSPITAL_STATION' ? 'a 6-digit county or 9-digit township code' : 'a 9-digit township code';
    problems.push({ field: 'areaCode', reason: `a ${p.kind} needs ${wanted}; got ${JSON.stringify(p.areaCode)}.` });
  }
  if (p.villageCode) {
    if (p.kind !== ServicePointKind.VILLAGE_POINT) problems.push({ field: 'villageCode', reason: `only a VILLAGE_POINT serves a village; this is a ${p.kind}.` });
    else if (typeof p.areaCode === 'string' && !p.villageCode.startsWith(p.areaCode)) {
      problems.push({ field: 'villageCode', reason: `village ${p.villageCode} is not in township ${p.areaCode} (its code must start with the township's).` });
    }
  }
  problems.push(...itemProblems(p.kind, p.itemCodes, catalogue));
  problems.push(...assistedProblems(p.itemCodes, p.assistedItemCodes, catalogue));
  return problems;
}

/** Assisted items: known, and not items the point handles in person already (a point does one or the other). */
function assistedProblems(itemCodes: readonly string[], assisted: readonly string[] | undefined, catalogue: ReadonlyMap<string, DelegationLevel>): FieldProblem[] {
  if (assisted === undefined || assisted === null) return [];
  if (!Array.isArray(assisted)) return [{ field: 'assistedItemCodes', reason: 'assistedItemCodes must be a list of item codes.' }];
  const unknown = assisted.filter((c) => !catalogue.has(c));
  if (unknown.length) return [{ field: 'assistedItemCodes', reason: `unknown item codes: ${unknown.join(', ')} (the serviceItems query lists them).` }];
  const both = Array.isArray(itemCodes) ? assisted.filter((c) => itemCodes.includes(c)) : [];
  return both.length
    ? [{ field: 'assistedItemCodes', reason: `${both.join(', ')} handled in person already (itemCodes); a point either handles an item or accepts it on a resident's behalf, not both.` }]
    : [];
}

function itemProblems(kind: ServicePointKind, itemCodes: readonly string[], catalogue: ReadonlyMap<string, DelegationLevel>): FieldProblem[] {
  if (!Array.isArray(itemCodes)) return [{ field: 'itemCodes', reason: 'itemCodes must be a list of item codes.' }];
  const unknown = itemCodes.filter((c) => !catalogue.has(c));
  if (unknown.length) return [{ field: 'itemCodes', reason: `unknown item codes: ${unknown.join(', ')} (the serviceItems query lists them).` }];
  const level = levelOfKind(kind);
  if (level === null) {
    return itemCodes.length === 0 ? [{ field: 'itemCodes', reason: 'a HOSPITAL_STATION must list the items it handles.' }] : [];
  }
  const above = itemCodes.filter((c) => !levelHandlesItem(level, catalogue.get(c)!));
  return above.length
    ? [{ field: 'itemCodes', reason: `a ${kind} works at ${level} level and cannot handle ${above.join(', ')} (delegated to a higher level).` }]
    : [];
}
