import { CLI_ACTOR } from '../../../src/write/actor';
import { Role } from '../../../src/common/role.enum';
import type { Viewer } from '../../../src/common/viewer';
import { createTestApp, type TestApp } from '../../helpers/test-app';

/**
 * Concurrent updates of one point (Hardening, item 5): both read the same stored version; the write pipeline locks
 * the row and finds that the other one changed it meanwhile. The loser gets CONFLICT (read again and retry), not
 * BAD_USER_INPUT, and writes nothing.
 */

const ID = 'TEST-CF-1';
const UPDATE = 'mutation($id: ID!, $input: UpdateServicePointInput!) { updateServicePoint(id: $id, input: $input) { id phone name } }';

describe('concurrent updates (integration)', () => {
  let t: TestApp;
  let editor: Viewer;

  const audits = async () =>
    ((await t.db.dataSource.query(`SELECT action, changes FROM audit_log WHERE entity = 'service_point' AND entity_key = $1 ORDER BY id`, [ID])) as { action: string; changes: Record<string, unknown[]> }[]);

  beforeAll(async () => {
    t = await createTestApp();
    const { secret } = await t.app.services.apiKey.create({ name: 'test conflict editor', roles: [Role.EDITOR], areaCodes: ['520121'] }, CLI_ACTOR);
    editor = await t.app.services.apiKey.authenticate(secret);
    const created = await t.execute(
      'mutation($input: CreateServicePointInput!) { createServicePoint(input: $input) { id } }',
      { input: { id: ID, name: '并发测试站', kind: 'TOWNSHIP_STATION', areaCode: '520121001', location: { longitude: 106.9612, latitude: 27.0613 } } },
      editor,
    );
    expect(created.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.db.dataSource.query(`DELETE FROM service_point WHERE id = $1`, [ID]);
    await t.db.dataSource.query(`DELETE FROM audit_log WHERE entity_key = ANY($1::text[]) OR actor_key_id = $2::uuid`, [[ID, editor.keyId], editor.keyId]);
    await t.db.dataSource.query(`DELETE FROM api_key WHERE id = $1`, [editor.keyId]);
    await t.close();
  });

  it('two updates from the same stored version at once: one is written, the other gets CONFLICT and writes nothing', async () => {
    const [a, b] = await Promise.all([
      t.execute<{ updateServicePoint: { phone: string } }>(UPDATE, { id: ID, input: { phone: '0851-1111111' } }, editor),
      t.execute<{ updateServicePoint: { phone: string } }>(UPDATE, { id: ID, input: { phone: '0851-2222222', name: '并发测试站二' } }, editor),
    ]);
    const results = [a, b];
    const won = results.filter((r) => !r.errors);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = lost[0]!.errors![0]!;
    expect(error.extensions?.code).toBe('CONFLICT');
    expect(error.message).toMatch(new RegExp(`${ID} was changed by someone else meanwhile; read it again and retry`));

    // Only the winner's change is stored and audited.
    const [stored] = (await t.db.dataSource.query(`SELECT phone, name FROM service_point WHERE id = $1`, [ID])) as { phone: string; name: string }[];
    expect(stored!.phone).toBe(won[0]!.data!.updateServicePoint.phone);
    expect(stored!.name).toBe(won[0] === a ? '并发测试站' : '并发测试站二');
    expect((await audits()).map((x) => x.action)).toEqual(['service_point.create', 'service_point.update']);

    // Read again and retry: it goes through.
    const retry = await t.execute(UPDATE, { id: ID, input: { phone: '0851-3333333' } }, editor);
    expect(retry.errors).toBeUndefined();
    expect((await audits()).map((x) => x.action)).toEqual(['service_point.create', 'service_point.update', 'service_point.update']);
  });
});
