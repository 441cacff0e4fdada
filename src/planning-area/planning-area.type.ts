import { ArrayMaxSize, IsEnum, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Geometry } from 'geojson';
import { PLANNING_AREA_CODE_PATTERN } from '../common/codes';
import { CoordinateSystem } from '../graphql/scalars/coordinate-system.enum';
import { GeoJSONScalar } from '../graphql/scalars/geojson.scalar';

/** Members a planning area may list. */
export const MAX_PLANNING_AREA_MEMBERS = 5_000;
/** Vertices a planning area's polygon may have. */
export const MAX_PLANNING_AREA_VERTICES = 10_000;

@ObjectType({
  description:
    "A planner's own area: a set of townships and villages, or a polygon. Its code goes wherever a coverage question takes an areaCode (coverage, gaps, delegationMatrix, compareCoverage, suggestSites, saveScenario, GeoJSON).",
})
export class PlanningArea {
  @Field(() => ID, { description: 'Capital letters first (never an official code, which is digits), e.g. TAIBAI_LAKE.' })
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => [String], { description: 'Townships (9 digits) and villages (12) it is made of; empty for a polygon area.' })
  memberCodes: string[];

  @Field(() => String, { description: 'Who created it (the API key\'s name, or "cli").' })
  authorName: string;
}

@InputType({ description: 'A planning area: a code, a name, and either memberCodes or polygon.' })
export class PlanningAreaInput {
  @Field(() => ID, { description: 'Capital letters, digits, _ and -, starting with a letter; 2 to 40 characters.' })
  @Matches(PLANNING_AREA_CODE_PATTERN, { message: 'code must start with a capital letter and hold only A-Z, 0-9, _ and - (2 to 40 characters), e.g. TAIBAI_LAKE' })
  code: string;

  @Field()
  @Length(1, 100)
  name: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => [ID], { nullable: true, description: `Townships (9 digits) and villages (12); at most ${MAX_PLANNING_AREA_MEMBERS}. Instead of polygon.` })
  @IsOptional()
  @ArrayMaxSize(MAX_PLANNING_AREA_MEMBERS)
  @Matches(/^(\d{9}|\d{12})$/, { each: true, message: 'each of memberCodes must be a township code (9 digits) or a village code (12 digits), not a county or city (list its townships, or draw a polygon)' })
  memberCodes?: string[] | null;

  @Field(() => GeoJSONScalar, { nullable: true, description: `A Polygon or MultiPolygon in crs, at most ${MAX_PLANNING_AREA_VERTICES} vertices; the villages inside it (edge included) belong to the area. Instead of memberCodes.` })
  @IsOptional()
  polygon?: Geometry | null;

  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: 'Coordinate system of polygon (GCJ02 for a shape drawn on AMap or Tencent, BD09 on Baidu).' })
  @IsEnum(CoordinateSystem)
  crs: CoordinateSystem = CoordinateSystem.WGS84;
}

@ArgsType()
export class CreatePlanningAreaArgs {
  @Field(() => PlanningAreaInput)
  @ValidateNested()
  input: PlanningAreaInput;
}

@ArgsType()
export class PlanningAreasArgs {
  @Field(() => Int, { nullable: true, description: 'By code; default 100, at most 500.' })
  @IsOptional()
  @Min(1)
  @Max(500)
  first?: number;
}

@ArgsType()
export class PlanningAreaCodeArgs {
  @Field(() => ID)
  @Matches(PLANNING_AREA_CODE_PATTERN, { message: "code must be a planning area's code (capital letters first, e.g. TAIBAI_LAKE)" })
  code: string;
}

@ObjectType()
export class PlanningAreaFigures {
  @Field(() => Int)
  villageCount: number;

  @Field(() => Int)
  population: number;
}
