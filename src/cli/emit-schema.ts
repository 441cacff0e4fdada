import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { currentSchemaSdl } from '../app/schema-emit';

/** `npm run schema:emit`: writes schema/schema.graphql from the code (a test fails when they differ). */
async function run(): Promise<void> {
  const file = path.resolve(__dirname, '../../../schema/schema.graphql');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await currentSchemaSdl());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
