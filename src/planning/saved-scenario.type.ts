import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Area } from '../area/area.entity';
import { ScenarioSummary } from '../coverage/scenario.type';

@ObjectType({ description: 'Something the live data did since a scenario was saved that changes what the scenario means.' })
export class ScenarioStaleness {
  @Field({ description: 'The entry concerned, e.g. scenario.close[0].' })
  entry: string;

  @Field()
  reason: string;
}

@ObjectType({ description: "A planner's what-if, kept: pass its id as `scenarioId` wherever a scenario is taken (queries, tiles, the map page)." })
export class SavedScenario {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field(() => Area, { description: 'The area it was made for.' })
  area: Area;

  @Field(() => GraphQLJSONObject, { description: 'The changes as saved (the ScenarioInput).' })
  scenario: Record<string, unknown>;

  @Field(() => ScenarioSummary)
  summary: ScenarioSummary;

  @Field({ description: 'Data version when it was saved.' })
  dataVersion: string;

  @Field({ description: "Who saved it (the API key's name)." })
  authorName: string;

  @Field({ description: 'When it was saved (ISO 8601).' })
  createdAt: string;

  @Field(() => [ScenarioStaleness], { description: 'What changed in the live data since it was saved (a point it names gone, closed, moved or given other items); empty: nothing.' })
  staleness: ScenarioStaleness[];
}
