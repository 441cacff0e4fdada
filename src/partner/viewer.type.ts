import { Field, ObjectType } from 'type-graphql';
import { Role } from '../common/role.enum';

@ObjectType('Viewer', { description: 'Who the server thinks is asking, and what they may do.' })
export class ViewerType {
  @Field({ description: 'ANONYMOUS or API_KEY.' })
  kind: string;

  @Field({ description: 'The key name, or "anonymous".' })
  name: string;

  @Field(() => [Role])
  roles: Role[];

  @Field(() => [String], { description: 'Areas an EDITOR key may write inside.' })
  areaCodes: string[];
}
