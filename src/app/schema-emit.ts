import type { Config } from '../config/config';
import { loadConfig } from '../config/config';
import { createSilentLogger } from '../common/logger';
import { createContainer, createServices } from './container';
import type { Repositories } from './repositories';
import { buildAppSchema, printAppSchema } from './schema';

/** The SDL of the code as it stands, without a database: resolvers are only instantiated, never run. */
export async function currentSchemaSdl(): Promise<string> {
  const config: Config = loadConfig({});
  const schema = await buildAppSchema(createContainer(createServices({} as Repositories, config, createSilentLogger())));
  return printAppSchema(schema);
}
