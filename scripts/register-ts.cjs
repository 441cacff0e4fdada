// Lets a worker thread load TypeScript sources when the app itself runs from src/ (under jest): compiles each
// .ts file with @swc/core (a dev dependency), with the options @swc/jest uses in package.json. Never used by
// `npm start`, which runs the compiled JavaScript in dist/.
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
