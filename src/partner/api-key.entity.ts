import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from '../common/role.enum';

@ObjectType({ description: 'An API key as an admin sees it: never its secret, which is shown once at creation.' })
export class ApiKey {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Who or what the key is for, e.g. "Sanming dashboard".' })
  name: string;

  @Field({ description: 'The first characters of the secret, to recognise a key in logs and configs.' })
  prefix: string;

  @Field(() => [Role])
  roles: Role[];

  @Field(() => [String], { description: 'Area codes an EDITOR key may write inside (a code covers its whole subtree).' })
  areaCodes: string[];

  @Field()
  createdAt: Date;

  @Field({ description: 'The admin key name (or "cli") that created it.' })
  createdBy: string;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Last request made with the key (updated at most once a minute).' })
  lastUsedAt: Date | null;
}

@ObjectType({ description: 'A new key with its secret. Store the secret now: the server keeps only a hash and cannot show it again.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'Send as `Authorization: Bearer <secret>` (or `X-API-Key: <secret>`).' })
  secret: string;
}
