import type { MultiPolygon, Point } from 'geojson';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AreaLevel } from './area-level.enum';

@ObjectType({ description: 'An administrative area: province, city (prefecture), county or township, by its official code.' })
@Entity('area')
export class Area {
  @Field(() => ID, { description: 'Official administrative code (2, 4, 6 or 9 digits).' })
  @PrimaryColumn('text')
  code: string;

  @Field()
  @Column('text')
  name: string;

  @Field(() => AreaLevel)
  @Column('text')
  level: AreaLevel;

  @Column('text', { name: 'parent_code', nullable: true })
  parentCode: string | null;

  /** Loaded on demand through a loader: boundaries are large. */
  @Column('geometry', { spatialFeatureType: 'MultiPolygon', srid: 4326, nullable: true, select: false })
  boundary?: MultiPolygon | null;

  @Column('geography', { spatialFeatureType: 'Point', srid: 4326, nullable: true })
  seat: Point | null;
}
