import { IsLatitude, IsLongitude, Max, Min } from 'class-validator';
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
}
