import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The house's import rules (.dependency-cruiser.cjs): folders in layers with no loop, no file loop, nothing
 * importing the composition root. dependency-cruiser runs as its own process, as `npm run lint:imports` runs it.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

async function violations(cwd: string, paths: string[]): Promise<Violation[]> {
  // Exit code 0 when clean, the number of errors otherwise; the report is on stdout either way.
  const { stdout } = await run(process.execPath, [DEPCRUISE, ...paths, '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (err: { stdout?: string; stderr?: string }) => {
      if (!err.stdout) throw new Error(`dependency-cruiser failed: ${err.stderr ?? String(err)}`);
      return { stdout: err.stdout };
    },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('import boundaries', () => {
  it('the code keeps them: no file or folder loop, every folder imports only lower layers, only entry points build the app', async () => {
    const found = await violations(ROOT, ['src', 'seeds', 'migrations', 'bench', 'ormconfig.ts']);
    expect(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });

  it('a tree that breaks each rule once is caught on each', async () => {
    const found = await violations(path.join(ROOT, 'test/fixtures/import-boundaries'), ['src']);
    const rules = (name: string) => found.filter((v) => v.rule.name === name).map((v) => `${v.from} → ${v.to}`);
    expect(rules('no-circular')).toEqual(expect.arrayContaining(['src/geo/p.ts → src/geo/q.ts']));
    expect(rules('no-circular-folders').length).toBeGreaterThan(0);
    expect(rules('no-composition-root-import')).toEqual(['src/area/area.ts → src/app/container.ts']);
    // The kernel importing the domain breaks its layer; the domain importing the kernel does not.
    expect(rules('layers: common')).toEqual(['src/common/label.ts → src/village/village.ts']);
    expect(rules('layers: village')).toEqual([]);
  });
});
