import { InitialSchema1764100000000 } from './1764100000000-InitialSchema';

/** Every migration in order; listed explicitly so the compiled server and the tests load the same set. */
export const migrations = [InitialSchema1764100000000];
