import { Max, Min } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';
import { LocationInput } from '../graphql/scalars/location.input';

export const MAX_NEAR_RADIUS_METERS = 200_000;

@InputType({ description: 'A circle on the WGS-84 spheroid: points within radiusMeters of (longitude, latitude), given in `crs`.' })
export class NearInput extends LocationInput {
  @Field(() => Float, { defaultValue: 5000, description: 'Geodesic radius in metres (1 to 200,000).' })
  @Min(1)
  @Max(MAX_NEAR_RADIUS_METERS)
  radiusMeters: number;
}
