import { Client } from 'pg';
import { TEST_DATABASE_NAME } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__serviceCircleEmbedded?.stop();
  if (process.env.DATABASE_URL && process.env.KEEP_TEST_DATABASE !== 'true') {
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEST_DATABASE_NAME} WITH (FORCE)`).finally(() => admin.end());
  }
}
