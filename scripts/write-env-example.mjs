// `npm run env:example`: writes .env.example from src/config/env-example.ts, compiled on the fly with esbuild so
// that it needs no build first.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { outputFiles } = await build({
  entryPoints: ['src/config/env-example.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  packages: 'external',
  write: false,
  logLevel: 'error',
});
const compiled = { exports: {} };
new Function('module', 'exports', 'require', outputFiles[0].text)(
  compiled,
  compiled.exports,
  createRequire(import.meta.url),
);
writeFileSync('.env.example', compiled.exports.renderEnvExample());
console.log('Wrote .env.example');
