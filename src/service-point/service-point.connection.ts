import { Field, Float, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection/connection.type';
import { ServicePoint } from './service-point.entity';

@ObjectType()
export class ServicePointEdge {
  @Field()
  cursor: string;

  @Field(() => ServicePoint)
  node: ServicePoint;

  @Field(() => Float, { nullable: true, description: 'Geodesic (WGS-84 spheroid) distance from filter.near, in metres; null without near.' })
  distanceMeters: number | null;
}

@ObjectType()
export class ServicePointConnection extends Connection(ServicePointEdge) {}
