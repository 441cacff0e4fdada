import { IsEnum } from 'class-validator';
import { ArgsType, Field } from 'type-graphql';
import { CoordinateSystem } from './coordinate-system.enum';

@ArgsType()
export class CrsArgs {
  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: 'Coordinate system of the output.' })
  @IsEnum(CoordinateSystem)
  crs: CoordinateSystem = CoordinateSystem.WGS84;
}
