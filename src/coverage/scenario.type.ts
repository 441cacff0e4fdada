import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The what-if an answer was computed under (none: the live data).' })
export class ScenarioSummary {
  @Field({ description: 'Identifies the changes: the same changes give the same key, whatever their order.' })
  key: string;

  @Field(() => Int, { description: 'Entries in all.' })
  changes: number;

  @Field(() => Int)
  added: number;

  @Field(() => Int)
  closed: number;

  @Field(() => Int)
  moved: number;

  @Field(() => Int)
  itemsChanged: number;

  @Field(() => String, { nullable: true, description: 'The saved scenario it is (scenarioId), null: sent with the query.' })
  savedId: string | null;
}
