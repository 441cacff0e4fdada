import { Matches } from 'class-validator';
import { ArgsType, Field, ID } from 'type-graphql';
import { AREA_CODE_PATTERN, ITEM_CODE_PATTERN, SERVICE_POINT_ID_PATTERN, VILLAGE_CODE_PATTERN } from './codes';

@ArgsType()
export class AreaCodeArgs {
  @Field(() => ID, { description: 'Official area code: province 2 digits, city 4, county 6, township 9.' })
  @Matches(AREA_CODE_PATTERN, { message: 'code must be an official area code of 2, 4, 6 or 9 digits, e.g. 520121' })
  code: string;
}

@ArgsType()
export class VillageCodeArgs {
  @Field(() => ID, { description: 'Official 12-digit village code.' })
  @Matches(VILLAGE_CODE_PATTERN, { message: 'code must be a 12-digit village code, e.g. 520121100201' })
  code: string;
}

@ArgsType()
export class ServicePointIdArgs {
  @Field(() => ID)
  @Matches(SERVICE_POINT_ID_PATTERN, { message: 'id must be a service-point id such as TS-520121100 (capital letters, digits, hyphens)' })
  id: string;
}

@ArgsType()
export class ServiceItemCodeArgs {
  @Field(() => ID, { description: 'Item code, e.g. RESIDENT_ENROLMENT.' })
  @Matches(ITEM_CODE_PATTERN, { message: 'code must be an item code such as RESIDENT_ENROLMENT' })
  code: string;
}
