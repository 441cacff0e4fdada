import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

@ObjectType({ description: 'One change recorded by the server: who, when, what.' })
export class AuditEntry {
  @Field(() => ID)
  id: string;

  @Field()
  at: Date;

  @Field(() => String, { nullable: true, description: 'The API key that made the change (null for the command line).' })
  actorKeyId: string | null;

  @Field({ description: 'The key name, or "cli" for the command line.' })
  actorName: string;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field({ description: 'e.g. service_point.create, service_point.update, village.upsert, api_key.revoke.' })
  action: string;

  @Field({ description: 'service_point, village or api_key.' })
  entity: string;

  @Field({ description: 'The id or code of the changed entity.' })
  entityKey: string;

  @Field(() => GraphQLJSONObject, { description: 'Changed fields as { field: [before, after] }; before is null on create.' })
  changes: Record<string, unknown>;
}

@ObjectType()
export class AuditEntryPage {
  @Field(() => [AuditEntry], { description: 'Newest first.' })
  entries: AuditEntry[];

  @Field(() => Int, { nullable: true, description: 'Pass as `before` for the next (older) page; null at the end.' })
  nextBefore: number | null;
}
