/**
 * The house's import rules, checked by `npm run lint:imports` and by a test in `npm test`
 * (test/unit/architecture/import-boundaries.test.ts).
 *
 * The folders of src/ stand in layers, bottom to top. A folder imports only folders of lower layers and, inside an
 * ordered layer, the folders listed before it; so no two folders import each other, however indirectly. On top of
 * that: no file imports another in a loop, and nothing but the entry points (main.ts, cli/) imports the
 * composition root (app/).
 */
const LAYERS = [
  { name: 'kernel', folders: ['common', 'config', 'ops'], ordered: true },
  { name: 'geo', folders: ['geo', 'travel', 'siting'], ordered: true },
  { name: 'graphql toolkit', folders: ['graphql'] },
  // The domain, each folder knowing only those before it: a point names its village, a village its area.
  { name: 'domain', folders: ['service-item', 'area', 'road', 'write', 'village', 'service-point', 'partner', 'planning-area', 'handling-rule'], ordered: true },
  { name: 'database', folders: ['db'] },
  { name: 'coverage', folders: ['coverage'] },
  { name: 'planning', folders: ['planning'] },
  { name: 'outputs', folders: ['map', 'ogc', 'export'] },
  { name: 'app', folders: ['app'] },
  { name: 'entry points', folders: ['cli', 'main.ts'] },
];

const place = (folder) => (folder.endsWith('.ts') ? `^src/${folder.replace('.', '\\.')}$` : `^src/${folder}/`);
const folders = LAYERS.flatMap((layer, l) => layer.folders.map((folder, i) => ({ folder, layer, l, i })));

/** For each folder: the folders it may not import (those above it, and its later peers or any peer). */
const layerRules = folders.map(({ folder, layer, l, i }) => {
  const forbidden = folders.filter((o) => o.folder !== folder && (o.l > l || (o.l === l && (!layer.ordered || o.i > i))));
  return {
    name: `layers: ${folder}`,
    comment: `src/${folder} (layer "${layer.name}") imports only folders below it: ${folders
      .filter((o) => o.l < l || (o.l === l && layer.ordered && o.i < i))
      .map((o) => o.folder)
      .join(', ') || 'none'}.`,
    severity: 'error',
    from: { path: place(folder) },
    to: { path: forbidden.map((o) => place(o.folder)) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No file imports itself through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'No folder imports itself through others (folded to folders, the import graph has no loop).',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-composition-root-import',
      comment: 'Only the entry points (main.ts, cli/) build the app; features are given what they need.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/app/', '^src/main\\.ts$', '^src/cli/'] },
      to: { path: '^src/app/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every relative import names a file that exists.',
      severity: 'error',
      from: {},
      // (geojson is a package of type declarations only: @types/geojson.)
      to: { couldNotResolve: true, pathNot: ['^node:', '^geojson$'] },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['\\.json$', '^src/map/static/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
