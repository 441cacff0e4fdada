import { ArrayMaxSize, IsEnum, IsOptional, Matches, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AREA_CODE_PATTERN, ITEM_CODE_PATTERN } from '../common/codes';
import { NearInput } from './near.input';
import { ServicePointKind, ServicePointStatus } from './service-point-kind.enum';

@InputType({ description: 'All given conditions must hold.' })
export class ServicePointFilter {
  @Field(() => ID, { nullable: true, description: 'Points in this area or any area below it (2, 4, 6 or 9-digit code).' })
  @IsOptional()
  @Matches(AREA_CODE_PATTERN, { message: 'areaCode must be an official area code of 2, 4, 6 or 9 digits' })
  areaCode?: string;

  @Field(() => [ServicePointKind], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  @IsEnum(ServicePointKind, { each: true })
  kinds?: ServicePointKind[];

  @Field(() => [ServicePointStatus], { nullable: true, description: 'Default: every status.' })
  @IsOptional()
  @ArrayMaxSize(3)
  @IsEnum(ServicePointStatus, { each: true })
  status?: ServicePointStatus[];

  @Field(() => ID, { nullable: true, description: 'Only points that offer this service item.' })
  @IsOptional()
  @Matches(ITEM_CODE_PATTERN, { message: 'itemCode must be an item code such as RESIDENT_ENROLMENT' })
  itemCode?: string;

  @Field(() => NearInput, { nullable: true, description: 'Only points within the circle, nearest first, with distanceMeters on each edge.' })
  @IsOptional()
  @ValidateNested()
  near?: NearInput;
}
