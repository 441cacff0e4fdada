// Lets a worker thread load TypeScript sources when the app itself runs from src/ (under jest): compiles each
// .ts file with @swc/core (a dev dependency), with the very options of the @swc/jest transform in package.json.
// Never used by `npm start`, which runs the compiled JavaScript in dist/.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const swcOptions = Object.values(require('../package.json').jest.projects[0].transform)[0][1];

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swcOptions, filename });
  module._compile(code, filename);
};
