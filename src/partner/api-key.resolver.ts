import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context';
import { ApiKeyIdArgs, ApiKeysArgs, AuditLogArgs, CreateApiKeyInput } from './api-key.args';
import { ApiKey, CreatedApiKey } from './api-key.entity';
import type { ApiKeyService } from './api-key.service';
import { AuditEntryPage } from '../write/audit-entry.type';
import type { AuditLogService } from '../write/audit-log.service';
import { actorOf } from '../write/actor';
import { Role } from '../common/role.enum';
import { ViewerType } from './viewer.type';

@Resolver()
export class ApiKeyResolver {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly audit: AuditLogService,
  ) {}

  @Query(() => ViewerType, { description: 'Who is asking: the key (or anonymous) and its roles. Needs no role.' })
  viewer(@Ctx() { viewer }: Context): ViewerType {
    return { kind: viewer.kind === 'anonymous' ? 'ANONYMOUS' : 'API_KEY', name: viewer.name, roles: [...viewer.roles], areaCodes: [...viewer.areaCodes] };
  }

  @Authorized(Role.ADMIN)
  @Query(() => [ApiKey], { description: 'API keys, oldest first (ADMIN).' })
  apiKeys(@Args() { includeRevoked }: ApiKeysArgs) {
    return this.keys.list(includeRevoked);
  }

  @Authorized(Role.ADMIN)
  @Query(() => AuditEntryPage, { description: 'The audit log, newest first (ADMIN).' })
  auditLog(@Args() args: AuditLogArgs) {
    return this.audit.page(args);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKey, { description: 'Creates a key and returns its secret once (ADMIN).' })
  createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: Context) {
    return this.keys.create(input, actorOf(ctx));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKey, { description: 'Revokes a key at once; revoking twice keeps the first time (ADMIN).' })
  revokeApiKey(@Args() { id }: ApiKeyIdArgs, @Ctx() ctx: Context) {
    return this.keys.revoke(id, actorOf(ctx));
  }
}
