import path from 'node:path';

/** Loads .ts files in a worker thread when the app runs from its TypeScript sources (under jest). Dev-only. */
const TS_HOOK = path.resolve(__dirname, '../../scripts/register-ts.cjs');

/**
 * The worker file `<name>` next to `callerFile`: compiled JavaScript in dist/ (`npm start`), or the TypeScript
 * source when the caller itself is one (the tests); then `execArgv` loads .ts files through @swc/core.
 */
export function workerFile(callerFile: string, name: string): { filename: string; execArgv: string[] } {
  const ext = path.extname(callerFile);
  const filename = path.join(path.dirname(callerFile), `${name}${ext}`);
  return { filename, execArgv: ext === '.ts' ? ['--require', TS_HOOK] : [] };
}
