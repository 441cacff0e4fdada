import 'reflect-metadata';
import { createSilentLogger } from './src/common/logger';
import { loadConfig } from './src/config/config';
import { createDataSource } from './src/db/data-source';
import { TypeOrmLogger } from './src/db/typeorm-logger';

/**
 * For the TypeORM CLI (`npx typeorm -d dist/ormconfig.js migration:show`) against DATABASE_URL. The embedded
 * database only exists inside the running process, so the npm scripts (`npm run migrate`) are the way there.
 */
const config = loadConfig(process.env);
if (config.database.kind !== 'server') {
  throw new Error('ormconfig.ts needs DATABASE_URL; for the embedded database use `npm run migrate`.');
}
// A default export: the TypeORM CLI requires one (the code base has none elsewhere).
export default createDataSource(config.database.url, config.database.poolSize, new TypeOrmLogger(createSilentLogger()));
