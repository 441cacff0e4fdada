import { IsEnum } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { CoordinateSystem } from './coordinate-system.enum';

@ArgsType()
export class CrsArgs {
  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: 'Coordinate system of the output.' })
  @IsEnum(CoordinateSystem)
  crs: CoordinateSystem = CoordinateSystem.WGS84;
}

/**
 * `@Args(CRS_ARGS)`: no class-validator run for this argument. GraphQL already checks the enum, and these
 * arguments sit on per-node fields (longitude, latitude, location) that run for every item of a page.
 */
export const CRS_ARGS = { validate: false } as const;
