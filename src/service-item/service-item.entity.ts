import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DelegationLevel } from './delegation-level.enum';

@ObjectType({ description: 'A kind of medical-insurance business a resident may need to handle.' })
@Entity('service_item')
export class ServiceItem {
  @Field(() => ID, { description: 'Stable code, e.g. RESIDENT_ENROLMENT.' })
  @PrimaryColumn('text')
  code: string;

  @Field({ description: 'English name.' })
  @Column('text')
  name: string;

  @Field({ description: 'Chinese name.' })
  @Column('text', { name: 'name_zh' })
  nameZh: string;

  @Field(() => DelegationLevel)
  @Column('text', { name: 'delegation_level' })
  delegationLevel: DelegationLevel;

  @Column('integer', { name: 'sort_order' })
  sortOrder: number;
}
