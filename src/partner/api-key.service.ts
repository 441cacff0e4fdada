import crypto from 'node:crypto';
import type { AreaRepository } from '../area/area.repository';
import { BadInputError, NotFoundError, UnauthenticatedError } from '../common/errors';
import type { ApiKey, CreatedApiKey } from './api-key.entity';
import type { ApiKeyRepository } from './api-key.repository';
import type { Actor, AuditLogRepository } from '../write/audit-log.repository';
import { Role } from '../common/role.enum';
import { anonymousViewer, type Viewer } from '../common/viewer';

/** `sc_` + 32 random bytes in base64url: 256 bits, so a fast hash (SHA-256) is enough; no salt or KDF needed. */
const SECRET_PATTERN = /^sc_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 10;
const CACHE_MAX_ENTRIES = 10_000;

function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

export interface NewApiKeyRequest {
  name: string;
  roles: readonly Role[];
  areaCodes: readonly string[];
}

/** The secret a request carries: `Authorization: Bearer <secret>` or `X-API-Key: <secret>`; null when it carries none. */
function secretFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.trim() !== '') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <api key>".');
    return match[1]!;
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  if (Array.isArray(apiKey)) throw new UnauthenticatedError('Send one X-API-Key header, not several.');
  return null;
}

export class ApiKeyService {
  private readonly cache = new Map<string, { viewer: Viewer; until: number }>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly areas: AreaRepository,
    private readonly audit: AuditLogRepository,
    private readonly options: { anonymousRoles: readonly Role[]; cacheSeconds: number },
  ) {}

  /** The viewer of an HTTP request, from its Authorization or X-API-Key header (GraphQL, tiles and uploads alike). */
  authenticateRequest(headers: Record<string, string | string[] | undefined>): Promise<Viewer> {
    return this.authenticate(secretFromHeaders(headers));
  }

  /** The viewer for a request's secret (null: anonymous). Unknown, malformed or revoked secrets are UNAUTHENTICATED. */
  async authenticate(secret: string | null): Promise<Viewer> {
    if (secret === null) return anonymousViewer(this.options.anonymousRoles);
    if (!SECRET_PATTERN.test(secret)) {
      throw new UnauthenticatedError('The API key is malformed: keys look like "sc_" followed by 43 letters, digits, "-" or "_".');
    }
    const hash = hashSecret(secret);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.viewer;
    const key = await this.keys.findByHash(hash);
    if (!key) throw new UnauthenticatedError('The API key is not known to this server.');
    if (key.revokedAt) throw new UnauthenticatedError(`The API key "${key.prefix}…" was revoked on ${key.revokedAt.toISOString()}.`);
    const viewer: Viewer = { kind: 'api-key', keyId: key.id, name: key.name, roles: key.roles, areaCodes: key.areaCodes };
    if (this.options.cacheSeconds > 0) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, { viewer, until: Date.now() + this.options.cacheSeconds * 1000 });
    }
    void this.keys.touch(key.id).catch(() => undefined); // best effort; never fails a request
    return viewer;
  }

  async create(request: NewApiKeyRequest, actor: Actor): Promise<CreatedApiKey> {
    const name = request.name.trim();
    if (name.length < 1 || name.length > 100) throw new BadInputError('name must be 1 to 100 characters.', { argument: 'name' });
    const roles = [...new Set(request.roles)];
    if (roles.length === 0) throw new BadInputError('A key needs at least one role (READER, PLANNER, EDITOR, ADMIN).', { argument: 'roles' });
    const areaCodes = [...new Set(request.areaCodes.map((c) => c.trim()))].sort();
    if (roles.includes(Role.EDITOR) && areaCodes.length === 0) {
      throw new BadInputError('An EDITOR key needs the area codes it may write inside (e.g. ["3504"] for Sanming).', { argument: 'areaCodes' });
    }
    if (areaCodes.length > 0) {
      const found = new Set((await this.areas.findByCodes(areaCodes)).map((a) => a.code));
      const unknown = areaCodes.filter((c) => !found.has(c));
      if (unknown.length) throw new BadInputError(`Unknown area codes: ${unknown.join(', ')}.`, { argument: 'areaCodes', unknown });
    }
    const secret = `sc_${crypto.randomBytes(32).toString('base64url')}`;
    const apiKey = await this.keys.transaction(async (manager) => {
      const created = await this.keys.insert(manager, {
        id: crypto.randomUUID(),
        name,
        prefix: secret.slice(0, PREFIX_LENGTH),
        secretHash: hashSecret(secret),
        roles,
        areaCodes,
        createdBy: actor.name,
      });
      await this.audit.record(manager, actor, [
        { action: 'api_key.create', entity: 'api_key', entityKey: created.id, changes: { name: [null, name], roles: [null, roles], areaCodes: [null, areaCodes] } },
      ]);
      return created;
    });
    return { apiKey, secret };
  }

  async revoke(id: string, actor: Actor): Promise<ApiKey> {
    const revoked = await this.keys.transaction(async (manager) => {
      const key = await this.keys.revoke(manager, id);
      if (!key) throw new NotFoundError('API key', id);
      await this.audit.record(manager, actor, [{ action: 'api_key.revoke', entity: 'api_key', entityKey: id, changes: { revokedAt: [null, key.revokedAt] } }]);
      return key;
    });
    this.cache.clear(); // this process stops trusting it at once; others within API_KEY_CACHE_SECONDS
    return revoked;
  }

  list(includeRevoked: boolean): Promise<ApiKey[]> {
    return this.keys.list(includeRevoked);
  }

}
