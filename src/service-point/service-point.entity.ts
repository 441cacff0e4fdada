import type { Point } from 'geojson';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ServicePointKind, ServicePointStatus } from './service-point-kind.enum';

@ObjectType({ description: 'A place where medical-insurance business can be handled.' })
@Entity('service_point')
export class ServicePoint {
  @Field(() => ID, { description: 'Stable id, e.g. TS-520121100 (township station) or VP-520121100201 (village point).' })
  @PrimaryColumn('text')
  id: string;

  @Field()
  @Column('text')
  name: string;

  @Field(() => ServicePointKind)
  @Column('text')
  kind: ServicePointKind;

  @Field(() => ServicePointStatus)
  @Column('text')
  status: ServicePointStatus;

  /** GeoJSON Point, WGS-84; exposed through a resolver that takes `crs`. */
  @Column('geography', { spatialFeatureType: 'Point', srid: 4326 })
  location: Point;

  @Column('text', { name: 'area_code' })
  areaCode: string;

  @Column('text', { name: 'village_code', nullable: true })
  villageCode: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  address: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true, description: 'Opening hours, OpenStreetMap opening_hours syntax.' })
  @Column('text', { name: 'opening_hours', nullable: true })
  openingHours: string | null;

  @Field({ description: 'True when the location is synthetic (generated), not surveyed.' })
  @Column('boolean', { name: 'location_synthetic' })
  locationSynthetic: boolean;
}
