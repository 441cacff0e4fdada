import fs from 'node:fs';
import path from 'node:path';
import { currentSchemaSdl } from '../../../src/app/schema-emit';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:emit` after changing the API)', async () => {
    const committed = fs.readFileSync(path.resolve(__dirname, '../../../schema/schema.graphql'), 'utf8');
    expect(await currentSchemaSdl()).toBe(committed);
  });
});
