// Writes openapi.json at the repository root from the app's code, without a build and without listening
// (`npm run openapi`). test/openapi-file.e2e-spec.ts fails when the committed file differs from what this writes.
// The TypeScript sources are compiled on require with SWC and the options Jest uses (see jest.config.js).
import { transformSync } from '@swc/core';
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...SWC_OPTIONS, filename });
  module._compile(code, filename);
};
// The generated src/metadata.ts imports './x.js' the ESM way; resolve those to the TypeScript source.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request.startsWith('.') && request.endsWith('.js') && parent?.filename?.endsWith('.ts')) {
    try {
      return resolveFilename.call(this, request.replace(/\.js$/, '.ts'), parent, ...rest);
    } catch {
      // not a TypeScript source: resolve as written
    }
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

const { renderOpenApiFile } = createRequire(import.meta.url)('../src/openapi-file.ts');
const output = fileURLToPath(new URL('../openapi.json', import.meta.url));
writeFileSync(output, await renderOpenApiFile());
console.log(`wrote ${output}`);
