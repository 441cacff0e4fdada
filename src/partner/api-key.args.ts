import { ArrayMaxSize, ArrayNotEmpty, IsBoolean, IsEnum, IsInt, IsOptional, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { AREA_CODE_PATTERN } from '../common/codes';
import { Role } from '../common/role.enum';

@InputType({ description: 'A new API key: a name, its roles and, for EDITOR keys, the areas it may write inside.' })
export class CreateApiKeyInput {
  @Field({ description: 'Who or what the key is for, e.g. "Sanming dashboard".' })
  @Length(1, 100)
  name: string;

  @Field(() => [Role])
  @ArrayNotEmpty({ message: 'roles: give at least one of READER, PLANNER, EDITOR, ADMIN' })
  @IsEnum(Role, { each: true })
  roles: Role[];

  @Field(() => [String], { defaultValue: [], description: 'Area codes (2, 4, 6 or 9 digits); required for EDITOR keys.' })
  @ArrayMaxSize(100)
  @Matches(AREA_CODE_PATTERN, { each: true, message: 'areaCodes: each must be an official area code of 2, 4, 6 or 9 digits' })
  areaCodes: string[];
}

@ArgsType()
export class ApiKeyIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be an API key id (a UUID, as apiKeys lists them)' })
  id: string;
}

@ArgsType()
export class ApiKeysArgs {
  @Field({ defaultValue: false, description: 'Also list revoked keys.' })
  @IsBoolean()
  includeRevoked: boolean;
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => String, { nullable: true, description: 'service_point, village or api_key.' })
  @IsOptional()
  @Matches(/^(service_point|village|api_key)$/, { message: 'entity must be service_point, village or api_key' })
  entity?: string;

  @Field(() => String, { nullable: true, description: 'One entity: a service-point id, village code or key id.' })
  @IsOptional()
  @Length(1, 64)
  entityKey?: string;

  @Field(() => Int, { nullable: true, description: 'Entries older than this id (from nextBefore).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  before?: number;

  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(500)
  first: number;
}
