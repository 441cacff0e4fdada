import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection/connection.type';
import { Village } from './village.entity';

@ObjectType()
export class VillageEdge {
  @Field()
  cursor: string;

  @Field(() => Village)
  node: Village;
}

@ObjectType()
export class VillageConnection extends Connection(VillageEdge) {}
