import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { CLI_ACTOR } from '../write/actor';
import { ALL_ROLES, type Role } from '../common/role.enum';
import { withServices } from './with-services';

const USAGE = `Usage:
  npm run api-key -- create --name <name> --roles <ROLE,...> [--areas <code,...>]
  npm run api-key -- list [--all]
  npm run api-key -- revoke <id>

Roles: ${ALL_ROLES.join(', ')}. EDITOR keys need --areas (codes they may write inside, e.g. 3504).
The secret is printed once; the server stores only its SHA-256.
With the embedded database, stop the server first (one process at a time may open ./data/pglite).`;

/** Admin command for API keys: the way to make the first ADMIN key (later ones can use the createApiKey mutation). */
async function run(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, roles: { type: 'string' }, areas: { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const [command, id] = positionals;
  if (values.help || !command || !['create', 'list', 'revoke'].includes(command)) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 64);
  }
  const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const roles = list(values.roles).map((r) => r.toUpperCase());
  const badRoles = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (command === 'create' && (!values.name || roles.length === 0 || badRoles.length)) {
    console.error(badRoles.length ? `Unknown roles: ${badRoles.join(', ')} (use ${ALL_ROLES.join(', ')}).` : 'create needs --name and --roles.');
    console.error(USAGE);
    process.exit(64);
  }
  if (command === 'revoke' && !id) {
    console.error('revoke needs the key id (see `npm run api-key -- list`).');
    process.exit(64);
  }

  await withServices(async ({ apiKey: service }) => {
    if (command === 'create') {
      const { apiKey, secret } = await service.create({ name: values.name!, roles: roles as Role[], areaCodes: list(values.areas) }, CLI_ACTOR);
      console.log(`Created API key ${apiKey.id} "${apiKey.name}" with roles ${apiKey.roles.join(', ')}${apiKey.areaCodes.length ? ` in areas ${apiKey.areaCodes.join(', ')}` : ''}.`);
      console.log('Secret (shown once; send as "Authorization: Bearer <secret>"):');
      console.log(secret);
    } else if (command === 'list') {
      const keys = await service.list(values.all ?? false);
      if (keys.length === 0) console.log('No API keys.');
      for (const k of keys) {
        console.log(
          [k.id, k.prefix + '…', JSON.stringify(k.name), k.roles.join(','), k.areaCodes.join(',') || '-', k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'].join('\t'),
        );
      }
    } else {
      const key = await service.revoke(id!, CLI_ACTOR);
      console.log(`Revoked API key ${key.id} "${key.name}" at ${key.revokedAt!.toISOString()}.`);
    }
  });
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
