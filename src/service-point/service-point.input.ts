import { ArrayMaxSize, IsEnum, IsOptional, Length, Matches, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { AREA_CODE_PATTERN, ITEM_CODE_PATTERN, SERVICE_POINT_ID_PATTERN, VILLAGE_CODE_PATTERN } from '../common/codes';
import { LocationInput } from '../graphql/scalars/location.input';
import { ServicePointKind, ServicePointStatus } from './service-point-kind.enum';

@InputType({ description: 'A new service point. It must lie inside (or within BOUNDARY_TOLERANCE_METERS of) its county.' })
export class CreateServicePointInput {
  @Field(() => ID, { description: 'Stable id chosen by the partner, e.g. TS-520121100 (capital letters, digits, hyphens).' })
  @Matches(SERVICE_POINT_ID_PATTERN, { message: 'id must be like TS-520121100 (capital letters, digits, hyphens; 3 to 64)' })
  id: string;

  @Field()
  @Length(1, 200)
  name: string;

  @Field(() => ServicePointKind)
  @IsEnum(ServicePointKind)
  kind: ServicePointKind;

  @Field(() => ServicePointStatus, { defaultValue: ServicePointStatus.ACTIVE })
  @IsEnum(ServicePointStatus)
  status: ServicePointStatus;

  @Field({ description: 'County (COUNTY_HALL, HOSPITAL_STATION) or township code (others).' })
  @Matches(AREA_CODE_PATTERN, { message: 'areaCode must be an official area code, e.g. 520121001' })
  areaCode: string;

  @Field(() => String, { nullable: true, description: 'The village a VILLAGE_POINT serves.' })
  @IsOptional()
  @Matches(VILLAGE_CODE_PATTERN, { message: 'villageCode must be a 12-digit village code' })
  villageCode?: string | null;

  @Field(() => LocationInput)
  @ValidateNested()
  location: LocationInput;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 300)
  address?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 40)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'OpenStreetMap opening_hours syntax.' })
  @IsOptional()
  @Length(0, 200)
  openingHours?: string | null;

  @Field(() => [String], { nullable: true, description: "Items handled; default: every item of the kind's level and below (hospital stations must list theirs)." })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(ITEM_CODE_PATTERN, { each: true, message: 'itemCodes: each must be an item code such as RESIDENT_ENROLMENT' })
  itemCodes?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Items it accepts on a resident's behalf and forwards to the level that decides (assisted handling, 帮办代办); default none." })
  @IsOptional()
  @ArrayMaxSize(100)
  @Matches(ITEM_CODE_PATTERN, { each: true, message: 'assistedItemCodes: each must be an item code such as CHRONIC_DISEASE_CERT' })
  assistedItemCodes?: string[] | null;
}

@InputType({ description: 'Fields to change; absent fields keep their value, null clears an optional one.' })
export class UpdateServicePointInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => ServicePointKind, { nullable: true })
  @IsOptional()
  @IsEnum(ServicePointKind)
  kind?: ServicePointKind;

  @Field(() => ServicePointStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ServicePointStatus)
  status?: ServicePointStatus;

  @Field({ nullable: true })
  @IsOptional()
  @Matches(AREA_CODE_PATTERN, { message: 'areaCode must be an official area code, e.g. 520121001' })
  areaCode?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(VILLAGE_CODE_PATTERN, { message: 'villageCode must be a 12-digit village code' })
  villageCode?: string | null;

  @Field(() => LocationInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  location?: LocationInput;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 300)
  address?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 40)
  phone?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200)
  openingHours?: string | null;
}
