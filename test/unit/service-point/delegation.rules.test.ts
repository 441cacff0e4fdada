import catalogue from '../../../seeds/data/service-items.json';
import { DelegationLevel } from '../../../src/service-item/delegation-level.enum';
import { defaultItemCodes, levelHandlesItem } from '../../../src/service-point/delegation.rules';
import { ServicePointKind } from '../../../src/service-point/service-point-kind.enum';

const items = catalogue.items as { code: string; delegationLevel: DelegationLevel }[];

describe('delegation rules', () => {
  it('a level handles its own items and those of the levels below', () => {
    expect(levelHandlesItem(DelegationLevel.TOWNSHIP, DelegationLevel.VILLAGE)).toBe(true);
    expect(levelHandlesItem(DelegationLevel.TOWNSHIP, DelegationLevel.TOWNSHIP)).toBe(true);
    expect(levelHandlesItem(DelegationLevel.TOWNSHIP, DelegationLevel.COUNTY)).toBe(false);
    expect(levelHandlesItem(DelegationLevel.VILLAGE, DelegationLevel.TOWNSHIP)).toBe(false);
  });

  // The reports: 5 items delegated to villages, 14 at township level (19 in all at a town), the rest at the county.
  it('matches the report figures on the catalogue', () => {
    expect(defaultItemCodes(ServicePointKind.VILLAGE_POINT, items)).toHaveLength(5);
    expect(items.filter((i) => i.delegationLevel === DelegationLevel.TOWNSHIP)).toHaveLength(14);
    expect(defaultItemCodes(ServicePointKind.TOWNSHIP_STATION, items)).toHaveLength(19);
    expect(defaultItemCodes(ServicePointKind.COUNTY_HALL, items)).toHaveLength(items.length);
    expect(defaultItemCodes(ServicePointKind.HOSPITAL_STATION, items)).toEqual([]);
  });
});
