import type { Point } from 'geojson';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@ObjectType({ description: 'A village or residential community (village committee / community), by its 12-digit code.' })
@Entity('village')
export class Village {
  @Field(() => ID, { description: 'Official 12-digit code.' })
  @PrimaryColumn('text')
  code: string;

  @Field()
  @Column('text')
  name: string;

  @Column('text', { name: 'township_code' })
  townshipCode: string;

  @Column('text', { name: 'county_code' })
  countyCode: string;

  /** GeoJSON Point, WGS-84; exposed through a resolver that takes `crs`. */
  @Column('geography', { spatialFeatureType: 'Point', srid: 4326 })
  location: Point;

  @Field(() => Int, { description: 'Residents (synthetic in the seed data).' })
  @Column('integer')
  population: number;

  @Field({ description: 'True when location and population are synthetic (generated), not surveyed.' })
  @Column('boolean', { name: 'location_synthetic' })
  locationSynthetic: boolean;
}
