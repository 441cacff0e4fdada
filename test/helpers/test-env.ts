/** Where the shared test database is, as set by global-setup (environment variables reach every test file). */
export const TEST_DATABASE_URL_VAR = 'SERVICE_CIRCLE_TEST_DATABASE_URL';
export const TEST_DATABASE_KIND_VAR = 'SERVICE_CIRCLE_TEST_DATABASE_KIND';

export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_URL_VAR];
  if (!url) throw new Error('No test database: integration and e2e tests need test/helpers/global-setup.ts (run them with `npm test`).');
  return url;
}

export function testDatabaseKind(): 'server' | 'embedded' {
  return process.env[TEST_DATABASE_KIND_VAR] === 'server' ? 'server' : 'embedded';
}
