import { IsEnum, IsLatitude, IsLongitude } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';
import { CoordinateSystem } from './coordinate-system.enum';

@InputType({ description: 'A position to store; given in any of the supported systems, stored as WGS-84.' })
export class LocationInput {
  @Field(() => Float, { description: 'Longitude, -180..180, in `crs`.' })
  @IsLongitude({ message: 'longitude must be a number between -180 and 180' })
  longitude: number;

  @Field(() => Float, { description: 'Latitude, -90..90, in `crs`.' })
  @IsLatitude({ message: 'latitude must be a number between -90 and 90' })
  latitude: number;

  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: 'GCJ02 for a spot picked on AMap/Tencent, BD09 on Baidu.' })
  @IsEnum(CoordinateSystem)
  crs: CoordinateSystem;
}
