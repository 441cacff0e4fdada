import path from 'node:path';
import { runNode, type ProcessResult } from './run-process';

const ROOT = path.resolve(__dirname, '../..');

/**
 * `npm run sites` from its TypeScript source, through scripts/register-ts.cjs (the hook that lets worker threads
 * load .ts under jest): no build to wait for, and the exact solver's worker runs from its source the same way.
 */
export function sitesCommand(args: readonly string[]): Promise<ProcessResult> {
  return runNode(['--require', path.join(ROOT, 'scripts/register-ts.cjs'), path.join(ROOT, 'src/cli/sites.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
}
