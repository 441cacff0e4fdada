import { IsEnum, IsLatitude, IsLongitude, Max, Min } from 'class-validator';
import { CoordinateSystem } from '../graphql/scalars/coordinate-system.enum';
import { Field, Float, InputType } from 'type-graphql';

export const MAX_NEAR_RADIUS_METERS = 200_000;

@InputType({ description: 'A circle on the WGS-84 spheroid: points within radiusMeters of (longitude, latitude).' })
export class NearInput {
  @Field(() => Float, { description: 'WGS-84 longitude, -180..180.' })
  @IsLongitude({ message: 'longitude must be a number between -180 and 180' })
  longitude: number;

  @Field(() => Float, { description: 'WGS-84 latitude, -90..90.' })
  @IsLatitude({ message: 'latitude must be a number between -90 and 90' })
  latitude: number;

  @Field(() => Float, { defaultValue: 5000, description: 'Geodesic radius in metres (1 to 200,000).' })
  @Min(1)
  @Max(MAX_NEAR_RADIUS_METERS)
  radiusMeters: number;

  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: 'System of longitude/latitude: GCJ02 for a spot picked on AMap/Tencent, BD09 on Baidu.' })
  @IsEnum(CoordinateSystem)
  crs: CoordinateSystem;
}
